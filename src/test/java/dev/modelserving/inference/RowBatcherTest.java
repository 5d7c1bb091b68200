package dev.modelserving.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.Tensor;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.ShuttingDownException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How work is grouped into model runs, with a stand-in model whose rows are one value each (input "x") and whose output
 * row (output "y") is its input value negated. The first run is held on a latch so that work provably queues up behind
 * it.
 */
class RowBatcherTest {

    /** A model of one feature; records the row count of each run, and holds the runs until released. */
    private static final class StandInModel implements RowBatcher.Model {
        final List<Integer> runs = new CopyOnWriteArrayList<>();
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile RuntimeException failNext;

        @Override
        public List<Map<String, Tensor>> run(List<Map<String, Tensor>> blocks, int rows) {
            running.countDown();
            try {
                assertThat(release.await(10, TimeUnit.SECONDS)).as("released").isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            runs.add(rows);
            RuntimeException failure = failNext;
            if (failure != null) {
                failNext = null;
                throw failure;
            }
            List<Map<String, Tensor>> out = new ArrayList<>();
            int total = 0;
            for (Map<String, Tensor> block : blocks) {
                FloatBuffer x = block.get("x").floats();
                float[] negated = new float[x.limit()];
                for (int i = 0; i < negated.length; i++) {
                    negated[i] = -x.get(i);
                }
                total += negated.length;
                out.add(Map.of("y", Tensor.ofFloats(new long[]{negated.length, 1}, negated)));
            }
            assertThat(total).isEqualTo(rows);
            return out;
        }
    }

    private final StandInModel model = new StandInModel();
    private final List<Integer> observed = new CopyOnWriteArrayList<>();
    private RowBatcher batcher;

    private RowBatcher batcher(int threads, int maxRows, int capacity) {
        batcher = new RowBatcher("test-runner", threads, maxRows, capacity, model, observed::add);
        return batcher;
    }

    @AfterEach
    void stop() throws InterruptedException {
        model.release.countDown();
        if (batcher != null) {
            batcher.stop(5_000);
        }
    }

    /** Work of the given values, one row each, batchable with any other; its result is its output values in order. */
    private static CompletableFuture<List<Float>> submit(RowBatcher batcher, float... values) {
        return submitKeyed(batcher, "rows of one value", values);
    }

    /** Work of the given values with a batch key: null runs alone. */
    private static CompletableFuture<List<Float>> submitKeyed(RowBatcher batcher, Object key, float... values) {
        return submitBy(batcher, key, Deadline.NONE, values);
    }

    /** Work of the given values whose caller stops waiting at {@code deadline}. */
    private static CompletableFuture<List<Float>> submitBy(RowBatcher batcher, Object key, Deadline deadline,
            float... values) {
        Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(new long[]{values.length, 1}, values));
        return batcher.submit(() -> new RowBatcher.Work<>(inputs, values.length, key, output -> {
            List<Float> result = new ArrayList<>();
            FloatBuffer y = output.get("y").floats();
            for (int i = 0; i < y.limit(); i++) {
                result.add(y.get(i));
            }
            return result;
        }), deadline);
    }

    private CompletableFuture<List<Float>> holdTheRunner(RowBatcher batcher) throws InterruptedException {
        CompletableFuture<List<Float>> first = submit(batcher, 100);
        assertThat(model.running.await(5, TimeUnit.SECONDS)).as("the first run started").isTrue();
        return first;
    }

    @Test
    void workQueuedDuringARunGoesIntoOneRunAndEachGetsItsOwnRows() throws Exception {
        RowBatcher batcher = batcher(1, 32, 100);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        List<CompletableFuture<List<Float>>> queued = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            queued.add(submit(batcher, i));
        }
        queued.add(submit(batcher, 6, 7));
        model.release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(-100f);
        for (int i = 0; i < 5; i++) {
            assertThat(queued.get(i).get(5, TimeUnit.SECONDS)).containsExactly((float) -(i + 1));
        }
        assertThat(queued.get(5).get(5, TimeUnit.SECONDS)).containsExactly(-6f, -7f);
        assertThat(model.runs).containsExactly(1, 7);
        assertThat(observed).containsExactly(1, 7);
    }

    @Test
    void workWhoseDeadlinePassesWhileQueuedIsDroppedWithoutRunning() throws Exception {
        RowBatcher batcher = batcher(1, 32, 100);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        CompletableFuture<List<Float>> late = submitBy(batcher, "rows of one value",
                Deadline.in(50, TimeUnit.MILLISECONDS), 1);
        CompletableFuture<List<Float>> patient = submitBy(batcher, "rows of one value",
                Deadline.in(1, TimeUnit.HOURS), 2);
        Thread.sleep(100);
        model.release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(-100f);
        assertThat(patient.get(5, TimeUnit.SECONDS)).containsExactly(-2f);
        assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("it was not run");
        // The late row is in no run: the second run holds the patient row alone.
        assertThat(model.runs).containsExactly(1, 1);
    }

    @Test
    void workCancelledWhileQueuedIsNeverPreparedOrRun() throws Exception {
        RowBatcher batcher = batcher(1, 32, 100);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        List<String> prepared = new CopyOnWriteArrayList<>();
        Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(new long[]{1, 1}, new float[]{5}));
        CompletableFuture<String> gone = batcher.submit(() -> {
            prepared.add("gone");
            return new RowBatcher.Work<>(inputs, 1, "rows of one value", output -> "answer");
        }, Deadline.NONE);
        CompletableFuture<List<Float>> waiting = submit(batcher, 3);
        assertThat(gone.cancel(false)).isTrue();
        model.release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(-100f);
        assertThat(waiting.get(5, TimeUnit.SECONDS)).containsExactly(-3f);
        assertThat(prepared).isEmpty();
        assertThat(model.runs).containsExactly(1, 1);
    }

    @Test
    void aRunHoldsAtMostMaxRowsAndWorkThatDoesNotFitWaitsForTheNextRun() throws Exception {
        RowBatcher batcher = batcher(1, 4, 100);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        CompletableFuture<List<Float>> a = submit(batcher, 1, 2);
        CompletableFuture<List<Float>> b = submit(batcher, 3);
        CompletableFuture<List<Float>> c = submit(batcher, 4, 5);
        CompletableFuture<List<Float>> big = submit(batcher, 6, 7, 8, 9, 10, 11);
        model.release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(-100f);
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(-1f, -2f);
        assertThat(b.get(5, TimeUnit.SECONDS)).containsExactly(-3f);
        assertThat(c.get(5, TimeUnit.SECONDS)).containsExactly(-4f, -5f);
        assertThat(big.get(5, TimeUnit.SECONDS)).containsExactly(-6f, -7f, -8f, -9f, -10f, -11f);
        // 1+2 fit (3 rows), c would make 5: it carries over; the six-row piece is over the limit and runs alone.
        assertThat(model.runs).containsExactly(1, 3, 2, 6);
    }

    @Test
    void onlyWorkWithEqualBatchKeysSharesARunAndWorkWithoutOneRunsAlone() throws Exception {
        RowBatcher batcher = batcher(1, 32, 100);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        CompletableFuture<List<Float>> a = submitKeyed(batcher, "shape A", 1);
        CompletableFuture<List<Float>> b = submitKeyed(batcher, "shape A", 2, 3);
        CompletableFuture<List<Float>> other = submitKeyed(batcher, "shape B", 4);
        CompletableFuture<List<Float>> alone = submitKeyed(batcher, null, 5);
        CompletableFuture<List<Float>> alsoAlone = submitKeyed(batcher, null, 6);
        model.release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(-100f);
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(-1f);
        assertThat(b.get(5, TimeUnit.SECONDS)).containsExactly(-2f, -3f);
        assertThat(other.get(5, TimeUnit.SECONDS)).containsExactly(-4f);
        assertThat(alone.get(5, TimeUnit.SECONDS)).containsExactly(-5f);
        assertThat(alsoAlone.get(5, TimeUnit.SECONDS)).containsExactly(-6f);
        // The held run, then a and b together; "shape B" cannot join them, nor can the key-less pieces join anything.
        assertThat(model.runs).containsExactly(1, 3, 1, 1, 1);
    }

    @Test
    void workThatFailsToPrepareFailsAloneAndTheRestOfItsBatchRuns() throws Exception {
        RowBatcher batcher = batcher(1, 32, 100);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        CompletableFuture<List<Float>> good = submit(batcher, 1);
        CompletableFuture<Object> bad = batcher.submit(() -> {
            throw new InvalidRequestException("not a tensor");
        }, Deadline.NONE);
        CompletableFuture<List<Float>> alsoGood = submit(batcher, 2);
        model.release.countDown();

        first.get(5, TimeUnit.SECONDS);
        assertThat(good.get(5, TimeUnit.SECONDS)).containsExactly(-1f);
        assertThat(alsoGood.get(5, TimeUnit.SECONDS)).containsExactly(-2f);
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidRequestException.class).hasMessageContaining("not a tensor");
        assertThat(model.runs).containsExactly(1, 2);
    }

    @Test
    void aFailedRunFailsEveryPieceInItAndTheRunnerGoesOn() throws Exception {
        RowBatcher batcher = batcher(1, 32, 100);
        model.failNext = new IllegalStateException("inference failed: out of memory");
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        model.release.countDown();
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("out of memory");

        assertThat(submit(batcher, 3).get(5, TimeUnit.SECONDS)).containsExactly(-3f);
    }

    @Test
    void workBeyondTheCapacityIsRefusedWithA503AndNothingQueuedIsLost() throws Exception {
        RowBatcher batcher = batcher(1, 32, 2);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        CompletableFuture<List<Float>> a = submit(batcher, 1);
        CompletableFuture<List<Float>> b = submit(batcher, 2);
        assertThatThrownBy(() -> submit(batcher, 3)).isInstanceOf(InferenceQueueFullException.class)
                .hasMessageContaining("2 inference requests are already waiting");
        assertThat(batcher.waiting()).isEqualTo(2);
        model.release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(-100f);
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(-1f);
        assertThat(b.get(5, TimeUnit.SECONDS)).containsExactly(-2f);
    }

    @Test
    void stoppingRefusesNewWorkButFinishesWhatWasQueued() throws Exception {
        RowBatcher batcher = batcher(2, 32, 100);
        CompletableFuture<List<Float>> first = holdTheRunner(batcher);
        CompletableFuture<List<Float>> queued = submit(batcher, 1);
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> {
            try {
                return batcher.stop(5_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // Wait until stop() has begun: a submission is refused from then on.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                submit(batcher, 9).cancel(false);
                Thread.sleep(5);
            } catch (ShuttingDownException refused) {
                break;
            }
        }
        assertThatThrownBy(() -> submit(batcher, 2)).isInstanceOf(ShuttingDownException.class);
        model.release.countDown();

        assertThat(stopped.get(5, TimeUnit.SECONDS)).as("the runners finished in time").isTrue();
        assertThat(first.get()).containsExactly(-100f);
        assertThat(queued.get()).containsExactly(-1f);
    }
}
