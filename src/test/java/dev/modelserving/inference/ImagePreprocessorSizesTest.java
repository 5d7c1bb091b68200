package dev.modelserving.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.ImageFormat;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.TestConfigs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Pictures of every size and shape become 784 values in 0..1, not only 28 x 28 ones. */
class ImagePreprocessorSizesTest {

    private static final ImageFormat FORMAT = Fixtures.bundledImageFormat();
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(
            TestConfigs.mapping(PredictionsConfig.class, Map.of()));

    @Test
    void everySizeUpTo96By96FitsInto28By28() {
        for (int width = 1; width <= 96; width++) {
            for (int height = 1; height <= 96; height++) {
                float[] gray = gradient(width, height);
                float[] fitted = PixelPlanes.fit(new float[][]{gray}, width, height, FORMAT)[0];
                assertThat(fitted).as("%d x %d", width, height).hasSize(784);
                for (float value : fitted) {
                    assertThat(value).as("%d x %d", width, height).isBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    void extremeAspectRatiosAndOddLargeSizesFit() {
        int[][] sizes = {{1, 1000}, {1000, 1}, {2, 4099}, {997, 13}, {21, 45}, {45, 21}, {1023, 769}, {3001, 29}};
        for (int[] size : sizes) {
            float[] fitted = PixelPlanes.fit(new float[][]{gradient(size[0], size[1])}, size[0], size[1],
                    FORMAT)[0];
            assertThat(fitted).as("%d x %d", size[0], size[1]).hasSize(784);
        }
    }

    @Test
    void decodedPicturesOfOddSizesAreClassifiable() throws IOException {
        int[][] sizes = {{21, 45}, {45, 21}, {1, 1}, {1, 2}, {3, 1}, {29, 27}, {57, 13}, {640, 479}};
        for (int[] size : sizes) {
            float[] pixels = preprocessor.toPixels(png(size[0], size[1]), FORMAT);
            assertThat(pixels).as("%d x %d", size[0], size[1]).hasSize(784);
        }
    }

    private static float[] gradient(int width, int height) {
        float[] gray = new float[width * height];
        for (int i = 0; i < gray.length; i++) {
            gray[i] = (float) i / gray.length;
        }
        return gray;
    }

    private static byte[] png(int width, int height) throws IOException {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = (x * 255 / width + y * 255 / height) / 2;
                picture.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", out);
        return out.toByteArray();
    }
}
