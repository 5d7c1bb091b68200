package dev.modelserving.model;

import java.util.List;

/**
 * How a picture becomes a model's input, from the {@code image} settings of its {@code config.json} completed by the
 * model's input shape: size, colour channels, memory layout, how the picture is fitted to the size, and the value each
 * pixel becomes ({@code (pixel * scale - mean[c]) / std[c]}, after {@code 1 - value} when inverted).
 */
public record ImageFormat(int width, int height, int channels, Layout layout, Resize resize, float scale,
        float[] mean, float[] std, Invert invert) {

    /** Where the channel dimension is: before the rows ({@code [C, H, W]}) or after the columns ({@code [H, W, C]}). */
    public enum Layout implements Written {
        NCHW,
        NHWC;

        @Override
        public String written() {
            return name();
        }
    }

    /** How a picture of another size is fitted to the model's. */
    public enum Resize implements Written {
        /** The whole picture scaled to the size, its proportions changed if they differ. */
        STRETCH,
        /** The shorter side scaled to the size, the centre cut out: what ImageNet classifiers are trained with. */
        CENTER_CROP,
        /** The longer side scaled to the size, centred on a background of 0: the bundled model's. */
        FIT;

        @Override
        public String written() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Whether values are flipped ({@code 1 - value}) before mean and std. */
    public enum Invert {
        NO,
        YES,
        /** Flipped when the picture's border is light: a dark object on paper becomes the training data's polarity. */
        AUTO
    }

    /** How a setting's value is written in {@code config.json}. */
    public interface Written {
        String written();
    }

    /** Values per picture: width x height x channels. */
    public int values() {
        return width * height * channels;
    }

    /**
     * Whether every value this format produces lies in 0..1: pixels scaled by 1/255, no mean or std. Pixel values sent
     * as numbers are checked against that range then.
     */
    public boolean unitRange() {
        for (int c = 0; c < channels; c++) {
            if (mean[c] != 0f || std[c] != 1f) {
                return false;
            }
        }
        return scale * 255f == 1f;
    }

    /** The input shape this format fills, without the batch dimension. */
    public List<Long> shape() {
        return layout == Layout.NCHW
                ? List.of((long) channels, (long) height, (long) width)
                : List.of((long) height, (long) width, (long) channels);
    }
}
