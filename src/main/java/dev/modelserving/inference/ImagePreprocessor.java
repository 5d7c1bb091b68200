package dev.modelserving.inference;

import dev.modelserving.problem.ValidationFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns an uploaded PNG or JPEG into the model's input: 28x28 grayscale, 0..1, light object on a dark background, as
 * the Fashion-MNIST pictures are. Blocking (decoding is CPU work): call it off the event loop.
 */
@ApplicationScoped
public class ImagePreprocessor {

    public static final int SIDE = 28;
    /**
     * Pictures are decoded with subsampling down to about this many pixels on their longer side (8 times the model's
     * input, which the area averaging then brings to 28): memory per picture stays small whatever its declared size.
     */
    static final int DECODED_SIDE = 8 * SIDE;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private final PredictionsConfig config;
    private final ImageReaderSpi png;
    private final ImageReaderSpi jpeg;

    public ImagePreprocessor(PredictionsConfig config) {
        this.config = config;
        this.png = provider("png");
        this.jpeg = provider("jpeg");
    }

    /** The 784 model inputs of the picture, row-major; a 422 problem when it is not a readable PNG or JPEG. */
    public float[] toPixels(byte[] image) {
        return toPixels(image, new PixelBudget(config.maxRequestPixels()));
    }

    /** Like {@link #toPixels(byte[])}, for one of the pictures of a request that shares {@code budget}. */
    public float[] toPixels(byte[] image, PixelBudget budget) {
        if (image.length == 0) {
            throw new ValidationFailedException("The body is empty; send a PNG or JPEG image");
        }
        BufferedImage picture = decode(image, budget);
        float[] gray = grayscale(picture);
        if (meanBorder(gray, picture.getWidth(), picture.getHeight()) > 0.5f) {
            // A dark object on a light background, like most photos: flip it to the training data's polarity.
            for (int i = 0; i < gray.length; i++) {
                gray[i] = 1f - gray[i];
            }
        }
        return fitInto28(gray, picture.getWidth(), picture.getHeight());
    }

    private BufferedImage decode(byte[] image, PixelBudget budget) {
        // The bytes are in memory already: a memory-cached stream, not ImageIO's default file cache, which would
        // write a temporary file for every picture.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            ImageReader reader = readerFor(image, in);
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                long pixels = (long) width * height;
                if (pixels > config.maxImagePixels()) {
                    throw new ValidationFailedException("The image is " + width + "x" + height + " pixels; at most "
                            + config.maxImagePixels() + " are accepted (app.predictions.max-image-pixels)");
                }
                budget.spend(pixels);
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(width, height) / DECODED_SIDE);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ValidationFailedException invalid) {
                throw invalid;
            }
            throw new ValidationFailedException("The image could not be decoded: it is truncated or corrupt");
        }
    }

    /**
     * A reader for the picture's format. PNG and JPEG are recognised by their signature and get a reader from the
     * provider found once: asking ImageIO per picture walks every registered provider and lets each probe the stream, a
     * tenth of the decoding time of a small PNG. Anything else is identified by ImageIO to name it.
     */
    private ImageReader readerFor(byte[] image, ImageInputStream in) throws IOException {
        if (startsWith(image, PNG_SIGNATURE)) {
            return png.createReaderInstance();
        }
        if (startsWith(image, JPEG_SIGNATURE)) {
            return jpeg.createReaderInstance();
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new ValidationFailedException("The body is not a PNG or JPEG image");
        }
        String format = readers.next().getFormatName().toLowerCase(Locale.ROOT);
        throw new ValidationFailedException("The body is a " + format + " image; send PNG or JPEG");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static ImageReaderSpi provider(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format);
        }
        ImageReader reader = readers.next();
        ImageReaderSpi spi = reader.getOriginatingProvider();
        reader.dispose();
        return spi;
    }

    /** Luminance 0..1; transparent pixels count as white paper. */
    static float[] grayscale(BufferedImage picture) {
        ColorModel colors = picture.getColorModel();
        if (colors.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            return graySamples(picture, colors);
        }
        int width = picture.getWidth();
        int height = picture.getHeight();
        int[] argb = picture.getRGB(0, 0, width, height, null, 0, width);
        float[] gray = new float[argb.length];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            float alpha = ((p >>> 24) & 0xFF) / 255f;
            float luminance = (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) / 255f;
            gray[i] = luminance * alpha + (1f - alpha);
        }
        return gray;
    }

    /**
     * Grayscale pictures are read sample by sample: {@code getRGB} would pass them through a colour-space conversion
     * and change every value, so a Fashion-MNIST PNG would no longer be the picture the model knows.
     */
    private static float[] graySamples(BufferedImage picture, ColorModel colors) {
        Raster raster = picture.getRaster();
        int width = picture.getWidth();
        int height = picture.getHeight();
        float grayMax = (1 << colors.getComponentSize(0)) - 1;
        boolean alpha = colors.hasAlpha() && raster.getNumBands() > 1;
        float alphaMax = alpha ? (1 << colors.getComponentSize(1)) - 1 : 1;
        float[] gray = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float value = raster.getSample(x, y, 0) / grayMax;
                if (alpha) {
                    float a = raster.getSample(x, y, 1) / alphaMax;
                    value = value * a + (1f - a);
                }
                gray[y * width + x] = value;
            }
        }
        return gray;
    }

    private static float meanBorder(float[] gray, int width, int height) {
        double sum = 0;
        int count = 0;
        for (int x = 0; x < width; x++) {
            sum += gray[x] + gray[(height - 1) * width + x];
            count += 2;
        }
        for (int y = 1; y < height - 1; y++) {
            sum += gray[y * width] + gray[y * width + width - 1];
            count += 2;
        }
        return (float) (sum / count);
    }

    /**
     * Scales the picture so that its longer side is 28 pixels (area averaging, so that downscaling does not alias), and
     * centres it on a 28x28 dark canvas. A 28x28 picture is taken as it is.
     */
    static float[] fitInto28(float[] gray, int width, int height) {
        if (width == SIDE && height == SIDE) {
            return gray;
        }
        double scale = (double) SIDE / Math.max(width, height);
        int outW = Math.max(1, (int) Math.round(width * scale));
        int outH = Math.max(1, (int) Math.round(height * scale));
        int offX = (SIDE - outW) / 2;
        int offY = (SIDE - outH) / 2;
        float[] out = new float[SIDE * SIDE];
        double stepX = (double) width / outW;
        double stepY = (double) height / outH;
        for (int oy = 0; oy < outH; oy++) {
            double y0 = oy * stepY;
            double y1 = y0 + stepY;
            for (int ox = 0; ox < outW; ox++) {
                double x0 = ox * stepX;
                double x1 = x0 + stepX;
                out[(oy + offY) * SIDE + ox + offX] = (float) boxAverage(gray, width, height, x0, x1, y0, y1);
            }
        }
        return out;
    }

    /**
     * Mean of the source over the rectangle [x0,x1) x [y0,y1), weighting partly covered pixels by coverage. The last
     * box's far edge is the picture's edge up to rounding (12 * 21/13 + 21/13 = 21.000000000000004), so the bounds are
     * clamped to the picture.
     */
    private static double boxAverage(float[] gray, int width, int height, double x0, double x1, double y0,
            double y1) {
        double sum = 0;
        double area = 0;
        int yEnd = Math.min(height, (int) Math.ceil(y1));
        int xEnd = Math.min(width, (int) Math.ceil(x1));
        for (int y = (int) Math.floor(y0); y < yEnd; y++) {
            double wy = Math.min(y + 1, y1) - Math.max(y, y0);
            for (int x = (int) Math.floor(x0); x < xEnd; x++) {
                double w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
                sum += gray[y * width + x] * w;
                area += w;
            }
        }
        return area == 0 ? 0 : sum / area;
    }
}
