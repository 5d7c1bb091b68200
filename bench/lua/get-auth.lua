-- GET with a bearer token. Environment: TOKEN.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
