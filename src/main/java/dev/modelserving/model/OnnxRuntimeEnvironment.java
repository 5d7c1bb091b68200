package dev.modelserving.model;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ONNX Runtime's process-wide environment, always created on a thread of its own whose stack fits what the creation
 * needs. Creating it recurses (inside the native library) to a depth proportional to the length of the process's
 * command line: with 1,000 file names to {@code predict} it went some 98,000 native frames deep and overflowed even an
 * 8 MB stack, killing the process with SIGSEGV and no message. So the stack is sized from {@code /proc/self/cmdline};
 * it is only reserved, and committed as far as it is used.
 */
public final class OnnxRuntimeEnvironment {

    /** A process's main-thread stack on Linux. */
    private static final long BASE_STACK_BYTES = 8L * 1024 * 1024;
    /** Stack per byte of command line: measured at about 230 bytes, with a margin of four. */
    private static final long STACK_BYTES_PER_COMMAND_LINE_BYTE = 1024;

    private OnnxRuntimeEnvironment() {
    }

    /** The environment, created on first use. Blocks while it is created (tens of milliseconds, once). */
    public static OrtEnvironment get() {
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread creator = new Thread(null, () -> {
            try {
                created.set(OrtEnvironment.getEnvironment());
            } catch (RuntimeException | LinkageError e) {
                failed.set(e);
            }
        }, "onnxruntime-init", stackBytes());
        creator.start();
        try {
            creator.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ONNX Runtime was starting", e);
        }
        if (failed.get() instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed.get() instanceof Error error) {
            throw error;
        }
        return created.get();
    }

    static long stackBytes() {
        long commandLine;
        try {
            commandLine = Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
        } catch (IOException | RuntimeException e) {
            commandLine = 0; // not Linux: no such file, and nothing measured there
        }
        return BASE_STACK_BYTES + commandLine * STACK_BYTES_PER_COMMAND_LINE_BYTE;
    }
}
