package dev.modelserving.inference;

import dev.modelserving.model.Tensor;
import dev.modelserving.problem.ShuttingDownException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Runs inference work on a fixed, small set of threads and puts the rows of work that queued up while a run was in
 * progress into one model run. For a small model the fixed cost of a run dominates (the bundled model, measured with
 * bench/BatchCost.java: 34 µs for one row, 45 µs for eight, 124 µs for 32), so under concurrent load this multiplies
 * what the cores can serve, while a lone request never waits for company: a batch is whatever is already queued, never
 * a timer.
 *
 * <p>
 * Each piece of work is prepared (parsed, decoded) on the runner thread that takes it, so that CPU work for requests is
 * bounded by the runner count instead of spreading over every request thread; a piece that fails to prepare fails
 * alone. Work whose caller stopped waiting (its future cancelled, its deadline passed) is dropped when a runner takes
 * it, before it is prepared or run. Only work with equal batch keys shares a run (the same shapes after the batch
 * dimension); work without one, a model's that cannot batch, runs alone. Independent of CDI so that its batching can be
 * tested with a stand-in model.
 */
public final class RowBatcher {

    /**
     * What a batch is run with: the blocks of inputs (each a piece of work's tensors, whole rows), in order, and their
     * total row count; it answers each block's rows of the outputs.
     */
    @FunctionalInterface
    interface Model {
        List<Map<String, Tensor>> run(List<Map<String, Tensor>> blocks, int rows);
    }

    /**
     * Prepared work: its input tensors, how many rows they have, what it must share with other work to run with it
     * (null: it runs alone), and what to make of its rows of the outputs.
     */
    public record Work<T>(Map<String, Tensor> inputs, int rows, Object batchKey,
            Function<Map<String, Tensor>, T> finish) {
    }

    private static final long IDLE_POLL_MILLIS = 100;

    private final Model model;
    private final int maxRows;
    private final int capacity;
    private final IntConsumer batchObserver;
    private final BlockingQueue<Job<?>> queue;
    private final List<Thread> runners = new ArrayList<>();
    private volatile boolean accepting = true;

    /**
     * @param threads runner threads
     * @param maxRows rows at most in one model run (a single piece of work with more runs alone)
     * @param capacity pieces of work waiting at most; more are refused
     * @param batchObserver told the row count of every model run
     */
    RowBatcher(String name, int threads, int maxRows, int capacity, Model model, IntConsumer batchObserver) {
        this.model = model;
        this.maxRows = maxRows;
        this.capacity = capacity;
        this.batchObserver = batchObserver;
        this.queue = new LinkedBlockingQueue<>(capacity);
        for (int i = 0; i < threads; i++) {
            Thread runner = new Thread(this::runLoop, name + "-" + i);
            runner.setDaemon(true);
            runners.add(runner);
            runner.start();
        }
    }

    /**
     * Queues work; the future completes with its result, or with the exception its preparation, the model run or its
     * finish threw, or with a {@link DeadlineExceededException} when the deadline passed before a runner took it.
     * Cancelling the future drops the work if no runner has taken it yet.
     *
     * @throws InferenceQueueFullException when {@code capacity} pieces are already waiting
     * @throws ShuttingDownException after {@link #stop} began
     */
    <T> CompletableFuture<T> submit(Supplier<Work<T>> prepare, Deadline deadline) {
        if (!accepting) {
            throw refusal();
        }
        Job<T> job = new Job<>(prepare, deadline);
        if (!queue.offer(job)) {
            throw new InferenceQueueFullException(capacity);
        }
        if (!accepting && queue.remove(job)) {
            // stop() began between the check above and the offer: the runners may be gone already.
            throw refusal();
        }
        return job.result;
    }

    private static ShuttingDownException refusal() {
        return new ShuttingDownException("The service is shutting down; send the request to another replica");
    }

    int waiting() {
        return queue.size();
    }

    /**
     * Refuses new work, lets the runners finish what is queued, and waits up to {@code timeoutMillis} for them.
     *
     * @return whether every runner finished in time
     */
    boolean stop(long timeoutMillis) throws InterruptedException {
        accepting = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread runner : runners) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                runner.join(left);
            }
        }
        boolean finished = runners.stream().noneMatch(Thread::isAlive);
        if (!finished) {
            runners.forEach(Thread::interrupt);
        }
        // Anything still queued now has no runner to take it: answer it rather than leave its request waiting.
        failQueued();
        return finished;
    }

    private void runLoop() {
        Job<?> carried = null;
        while (true) {
            Job<?> first = carried;
            carried = null;
            if (first == null) {
                try {
                    first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    failQueued();
                    return;
                }
                if (first == null) {
                    if (!accepting) {
                        return;
                    }
                    continue;
                }
            }
            if (first.work == null && !first.prepare()) {
                continue;
            }
            List<Job<?>> batch = new ArrayList<>();
            batch.add(first);
            int rows = first.work.rows();
            Object key = first.work.batchKey();
            while (key != null && rows < maxRows) {
                Job<?> next = queue.poll();
                if (next == null) {
                    break;
                }
                if (!next.prepare()) {
                    continue;
                }
                if (rows + next.work.rows() > maxRows || !key.equals(next.work.batchKey())) {
                    carried = next;
                    break;
                }
                batch.add(next);
                rows += next.work.rows();
            }
            run(batch, rows);
        }
    }

    private void run(List<Job<?>> batch, int rows) {
        List<Map<String, Tensor>> output;
        try {
            List<Map<String, Tensor>> blocks = new ArrayList<>(batch.size());
            for (Job<?> job : batch) {
                blocks.add(job.work.inputs());
            }
            output = model.run(blocks, rows);
            batchObserver.accept(rows);
        } catch (RuntimeException | Error e) {
            batch.forEach(job -> job.result.completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).finish(output.get(i));
        }
    }

    /** Answers everything still queued with a 503: no runner will take it any more. */
    private void failQueued() {
        for (Job<?> job; (job = queue.poll()) != null;) {
            job.result.completeExceptionally(
                    new ShuttingDownException("The service stopped before this request was run"));
        }
    }

    private static final class Job<T> {

        final Supplier<Work<T>> prepare;
        final Deadline deadline;
        final long submitted = System.nanoTime();
        final CompletableFuture<T> result = new CompletableFuture<>();
        Work<T> work;

        Job(Supplier<Work<T>> prepare, Deadline deadline) {
            this.prepare = prepare;
            this.deadline = deadline;
        }

        /**
         * Prepares the work; false when its caller is gone (the future cancelled), its deadline passed (the future
         * failed with that) or the preparation threw (the future failed with what it threw).
         */
        boolean prepare() {
            if (result.isDone()) {
                return false;
            }
            long now = System.nanoTime();
            if (deadline.passed(now)) {
                result.completeExceptionally(
                        new DeadlineExceededException(TimeUnit.NANOSECONDS.toMillis(now - submitted)));
                return false;
            }
            try {
                work = prepare.get();
                return true;
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
                return false;
            }
        }

        void finish(Map<String, Tensor> output) {
            try {
                result.complete(work.finish().apply(output));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }
    }
}
