package dev.modelserving.model;

/** Softmax over one row of logits, shifted by the row's maximum so that large logits do not overflow. */
final class Softmax {

    private Softmax() {
    }

    static float[] of(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float value : logits) {
            max = Math.max(max, value);
        }
        float[] out = new float[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double e = Math.exp(logits[i] - max);
            out[i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (out[i] / sum);
        }
        return out;
    }
}
