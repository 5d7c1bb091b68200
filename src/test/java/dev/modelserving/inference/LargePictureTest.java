package dev.modelserving.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.ImageFormat;
import dev.modelserving.problem.ValidationFailedException;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.TestConfigs;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Pictures that declare many pixels are decoded with subsampling and still look like themselves, and a request's
 * pictures together may declare only so many pixels (bench/PictureCost.java measures what one costs).
 */
class LargePictureTest {

    private static final ImageFormat FORMAT = Fixtures.bundledImageFormat();

    /** A light square on a dark background, half the picture's side, in 16-bit RGBA. */
    static byte[] squarePng(int side) throws IOException {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(side, side);
        int[] opaqueBlack = {0, 0, 0, 65535};
        int[] opaqueWhite = {65535, 65535, 65535, 65535};
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean inside = x >= side / 4 && x < 3 * side / 4 && y >= side / 4 && y < 3 * side / 4;
                raster.setPixel(x, y, inside ? opaqueWhite : opaqueBlack);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(model, raster, false, null), "png", out);
        return out.toByteArray();
    }

    @Test
    void aPictureAtThePixelLimitDecodesToTheSameShapeAsASmallOne() throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(
                TestConfigs.mapping(PredictionsConfig.class, Map.of()));
        float[] large = preprocessor.toPixels(squarePng(4096), FORMAT);
        float[] small = preprocessor.toPixels(squarePng(56), FORMAT);
        assertThat(large).hasSize(784);
        for (int i = 0; i < large.length; i++) {
            assertThat(large[i]).as("pixel %d", i).isCloseTo(small[i], Offset.offset(0.05f));
        }
        assertThat(large[14 * 28 + 14]).as("the square's centre is light").isGreaterThan(0.9f);
        assertThat(large[0]).as("the corner is dark").isLessThan(0.1f);
    }

    @Test
    void theRequestsPicturesTogetherStayWithinTheirPixelBudget() throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(TestConfigs.mapping(PredictionsConfig.class,
                Map.of("app.predictions.max-request-pixels", "10000")));
        byte[] picture = squarePng(60);
        PixelBudget budget = new PixelBudget(10_000);
        preprocessor.toPixels(picture, FORMAT, budget);
        preprocessor.toPixels(picture, FORMAT, budget);
        assertThatThrownBy(() -> preprocessor.toPixels(picture, FORMAT, budget))
                .isInstanceOf(ValidationFailedException.class)
                .hasMessageContaining("app.predictions.max-request-pixels");
        assertThat(preprocessor.toPixels(picture, FORMAT)).as("a request of its own").hasSize(784);
    }
}
