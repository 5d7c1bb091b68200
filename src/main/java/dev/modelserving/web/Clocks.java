package dev.modelserving.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The one clock the services read time from, so that tests can reason about timestamps. */
@ApplicationScoped
public class Clocks {

    @Produces
    @Singleton
    Clock systemClock() {
        return Clock.systemUTC();
    }
}
