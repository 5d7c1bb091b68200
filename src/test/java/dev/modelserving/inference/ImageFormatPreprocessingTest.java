package dev.modelserving.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.ImageFormat;
import dev.modelserving.support.TestConfigs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Pictures with values known by hand (solid colours, bands, gradients) through every setting of a model's image format:
 * channels, layout, resize mode, scale, mean and std, invert. Each expected value is computed here from the formula,
 * {@code (pixel * scale - mean[c]) / std[c]}.
 */
class ImageFormatPreprocessingTest {

    private static final float ONE_255 = 1f / 255f;
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(
            TestConfigs.mapping(PredictionsConfig.class, Map.of()));

    private static ImageFormat rgb(int width, int height, ImageFormat.Layout layout, ImageFormat.Resize resize) {
        return new ImageFormat(width, height, 3, layout, resize, ONE_255, new float[3], new float[]{1, 1, 1},
                ImageFormat.Invert.NO);
    }

    @Test
    void aSolidColourFillsItsChannelChannelsFirst() throws IOException {
        float[] values = preprocessor.toPixels(png(10, 6, (x, y) -> 0xFF0000),
                rgb(4, 4, ImageFormat.Layout.NCHW, ImageFormat.Resize.STRETCH));
        assertThat(values).hasSize(48);
        for (int i = 0; i < 16; i++) {
            assertThat(values[i]).as("red at %d", i).isEqualTo(1f);
            assertThat(values[16 + i]).as("green at %d", i).isEqualTo(0f);
            assertThat(values[32 + i]).as("blue at %d", i).isEqualTo(0f);
        }
    }

    @Test
    void channelsLastInterleavesThem() throws IOException {
        float[] values = preprocessor.toPixels(png(3, 3, (x, y) -> 0x00FF00),
                rgb(2, 2, ImageFormat.Layout.NHWC, ImageFormat.Resize.STRETCH));
        assertThat(values).containsExactly(0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0);
    }

    @Test
    void meanAndStdApplyPerChannelAfterTheScale() throws IOException {
        ImageFormat format = new ImageFormat(2, 2, 3, ImageFormat.Layout.NCHW, ImageFormat.Resize.STRETCH, ONE_255,
                new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f}, ImageFormat.Invert.NO);
        float[] values = preprocessor.toPixels(png(2, 2, (x, y) -> 128 << 16 | 64 << 8 | 255), format);
        float[] expected = {(128 * ONE_255 - 0.485f) / 0.229f, (64 * ONE_255 - 0.456f) / 0.224f,
                (255 * ONE_255 - 0.406f) / 0.225f};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertThat(values[c * 4 + i]).as("channel %d", c).isCloseTo(expected[c], within(1e-5f));
            }
        }
    }

    @Test
    void aScaleOtherThanOneOver255KeepsPixelUnits() throws IOException {
        ImageFormat format = new ImageFormat(1, 1, 1, ImageFormat.Layout.NCHW, ImageFormat.Resize.STRETCH, 1f,
                new float[]{100}, new float[]{2}, ImageFormat.Invert.NO);
        float[] values = preprocessor.toPixels(png(1, 1, (x, y) -> 200 << 16 | 200 << 8 | 200), format);
        assertThat(values[0]).isCloseTo((200 - 100) / 2f, within(1e-3f));
    }

    /**
     * A 12 x 4 picture of three bands, black | white | black, brought to 2 x 2. Stretched, each output column averages
     * six source columns (two of them white): 1/3. Centre-cropped, the shorter side (4) is scaled to 2 and the middle 4
     * x 4 is all white: 1. Fitted, the longer side (12) becomes 2, so the picture is 2 x 1 (rounded from 2/3) on the
     * top row over a background of 0.
     */
    @Test
    void stretchCenterCropAndFitDifferAsTheyShould() throws IOException {
        byte[] bands = png(12, 4, (x, y) -> x >= 4 && x < 8 ? 0xFFFFFF : 0);
        float third = 1f / 3f;
        ImageFormat.Layout nchw = ImageFormat.Layout.NCHW;
        float[] stretched = preprocessor.toPixels(bands, gray(2, 2, ImageFormat.Resize.STRETCH));
        assertThat(stretched).containsExactly(new float[]{third, third, third, third}, within(1e-6f));
        float[] cropped = preprocessor.toPixels(bands, gray(2, 2, ImageFormat.Resize.CENTER_CROP));
        assertThat(cropped).containsExactly(1, 1, 1, 1);
        float[] fitted = preprocessor.toPixels(bands, gray(2, 2, ImageFormat.Resize.FIT));
        assertThat(fitted).containsExactly(new float[]{third, third, 0, 0}, within(1e-6f));
        assertThat(preprocessor.toPixels(bands, rgb(2, 2, nchw, ImageFormat.Resize.CENTER_CROP))).hasSize(12)
                .containsOnly(1f);
    }

    @Test
    void aHorizontalGradientAveragesIntoItsBlocks() throws IOException {
        // 32 columns of value 8x, so that no decoding subsampling applies: block k averages 8 * (8k .. 8k + 7).
        byte[] gradient = png(32, 8, (x, y) -> 8 * x << 16 | 8 * x << 8 | 8 * x);
        float[] values = preprocessor.toPixels(gradient, gray(4, 1, ImageFormat.Resize.STRETCH));
        for (int k = 0; k < 4; k++) {
            float expected = (64 * k + 28f) / 255f;
            assertThat(values[k]).as("block %d", k).isCloseTo(expected, within(1e-5f));
        }
    }

    @Test
    void invertFlipsBeforeMeanAndStdAndAutoFlipsOnlyLightBorders() throws IOException {
        byte[] black = png(3, 3, (x, y) -> 0);
        ImageFormat inverted = new ImageFormat(3, 3, 1, ImageFormat.Layout.NCHW, ImageFormat.Resize.STRETCH, ONE_255,
                new float[]{0.5f}, new float[]{0.5f}, ImageFormat.Invert.YES);
        assertThat(preprocessor.toPixels(black, inverted)).containsOnly((1f - 0.5f) / 0.5f);
        ImageFormat auto = new ImageFormat(3, 3, 1, ImageFormat.Layout.NCHW, ImageFormat.Resize.STRETCH, ONE_255,
                new float[]{0}, new float[]{1}, ImageFormat.Invert.AUTO);
        byte[] darkOnWhite = png(3, 3, (x, y) -> x == 1 && y == 1 ? 0 : 0xFFFFFF);
        assertThat(preprocessor.toPixels(darkOnWhite, auto)).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
        byte[] lightOnBlack = png(3, 3, (x, y) -> x == 1 && y == 1 ? 0xFFFFFF : 0);
        assertThat(preprocessor.toPixels(lightOnBlack, auto)).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
    }

    @Test
    void oneChannelIsTheLuminanceOfAColourPicture() throws IOException {
        float[] values = preprocessor.toPixels(png(2, 2, (x, y) -> 0xFF0000), gray(1, 1, ImageFormat.Resize.STRETCH));
        assertThat(values[0]).isCloseTo(0.299f, within(1e-5f));
    }

    @Test
    void everySizeAndShapeBecomesTheModelsSizeInEveryMode() throws IOException {
        int[][] sizes = {{1, 1}, {1, 300}, {300, 1}, {7, 5}, {224, 224}, {225, 223}, {640, 480}, {2000, 30}};
        for (ImageFormat.Resize resize : ImageFormat.Resize.values()) {
            for (ImageFormat.Layout layout : ImageFormat.Layout.values()) {
                ImageFormat format = rgb(224, 224, layout, resize);
                for (int[] size : sizes) {
                    float[] values = preprocessor.toPixels(png(size[0], size[1], (x, y) -> 0x808080), format);
                    assertThat(values).as("%s %s %dx%d", resize, layout, size[0], size[1]).hasSize(3 * 224 * 224);
                    for (float value : values) {
                        assertThat(value).isBetween(0f, 1f);
                    }
                }
            }
        }
    }

    private static ImageFormat gray(int width, int height, ImageFormat.Resize resize) {
        return new ImageFormat(width, height, 1, ImageFormat.Layout.NCHW, resize, ONE_255, new float[]{0},
                new float[]{1}, ImageFormat.Invert.NO);
    }

    /** An RGB PNG whose pixel at (x, y) is {@code rgb.applyAsInt(x, y)}. */
    static byte[] png(int width, int height, IntBinaryOperator rgb) throws IOException {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                picture.setRGB(x, y, rgb.applyAsInt(x, y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", out);
        return out.toByteArray();
    }
}
