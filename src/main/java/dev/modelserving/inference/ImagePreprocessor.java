package dev.modelserving.inference;

import dev.modelserving.model.ImageFormat;
import dev.modelserving.problem.ValidationFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.image.BufferedImage;
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
 * Turns an uploaded PNG or JPEG into a model's input as its {@link ImageFormat} says: decoded, converted to grayscale
 * or RGB, fitted to the model's size (area averaging, so that downscaling does not alias), scaled, optionally inverted,
 * normalised by channel, and laid out channels-first or channels-last. Blocking (decoding is CPU work): call it off the
 * event loop.
 */
@ApplicationScoped
public class ImagePreprocessor {

    /**
     * Pictures are decoded with subsampling down to about this many times the model's size on the side that is fitted
     * to it (the area averaging then brings them to the size): memory per picture stays small whatever its declared
     * size.
     */
    static final int DECODE_FACTOR = 8;
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

    /** The model input for the picture; a 422 problem when it is not a readable PNG or JPEG. */
    public float[] toPixels(byte[] image, ImageFormat format) {
        return toPixels(image, format, new PixelBudget(config.maxRequestPixels()));
    }

    /** Like {@link #toPixels(byte[], ImageFormat)}, for one of the pictures of a request that shares {@code budget}. */
    public float[] toPixels(byte[] image, ImageFormat format, PixelBudget budget) {
        if (image.length == 0) {
            throw new ValidationFailedException("The body is empty; send a PNG or JPEG image");
        }
        BufferedImage picture = decode(image, format, budget);
        int width = picture.getWidth();
        int height = picture.getHeight();
        float[][] planes = format.channels() == 1
                ? new float[][]{PixelPlanes.grayscale(picture)}
                : PixelPlanes.rgb(picture);
        float factor = format.scale() * 255f;
        boolean invert = switch (format.invert()) {
            case YES -> true;
            case NO -> false;
            // A dark object on a light background, like most photos: flip it to the training data's polarity.
            case AUTO -> PixelPlanes.meanBorder(planes, width, height, factor) > 0.5f;
        };
        for (float[] plane : planes) {
            for (int i = 0; i < plane.length; i++) {
                // Values arrive as pixel / 255; a scale of 1/255 leaves them exactly as they are.
                float value = factor == 1f ? plane[i] : plane[i] * factor;
                plane[i] = invert ? 1f - value : value;
            }
        }
        return PixelPlanes.layOut(format, PixelPlanes.fit(planes, width, height, format));
    }

    private BufferedImage decode(byte[] image, ImageFormat format, PixelBudget budget) {
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
                int step = decodeStep(width, height, format);
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

    /** Subsampling that keeps the side fitted to the model at least {@value #DECODE_FACTOR} times the model's. */
    static int decodeStep(int width, int height, ImageFormat format) {
        int target = DECODE_FACTOR * Math.max(format.width(), format.height());
        int side = format.resize() == ImageFormat.Resize.CENTER_CROP
                ? Math.min(width, height)
                : Math.max(width, height);
        return Math.max(1, side / target);
    }

}
