package dev.modelserving.task;

import io.smallrye.mutiny.Uni;

/** Test writes that only record something in the test's memory, in the form the selected task store applies. */
final class SideEffectWrites {

    private SideEffectWrites() {
    }

    static TaskWrite of(boolean postgres, Runnable effect) {
        if (postgres) {
            return (TaskWrite.Sql) transaction -> Uni.createFrom().item(() -> {
                effect.run();
                return null;
            });
        }
        return (TaskWrite.InMemory) at -> effect.run();
    }
}
