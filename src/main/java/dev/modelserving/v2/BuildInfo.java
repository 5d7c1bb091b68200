package dev.modelserving.v2;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The application's version, as built. */
@ApplicationScoped
public class BuildInfo {

    private final String version;

    public BuildInfo(@ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.version = version;
    }

    public String version() {
        return version;
    }
}
