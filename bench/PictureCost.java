import dev.modelserving.inference.ImagePreprocessor;
import dev.modelserving.inference.PredictionsConfig;
import dev.modelserving.model.ImageFormat;
import dev.modelserving.model.ModelRepository;
import java.util.List;
import java.util.Optional;
import io.quarkus.runtime.configuration.MemorySize;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Cost of the worst picture the limits let in: a PNG declaring SIDE x SIDE pixels of 16-bit RGBA (4096 by default,
 * exactly app.predictions.max-image-pixels), small on the wire because it is uniform. Decoded and preprocessed by the
 * service's own ImagePreprocessor, single thread:
 *   java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" bench/PictureCost.java [SIDE] [RUNS]
 * Prints the PNG's size, then per run the wall time and the bytes the thread allocated.
 */
public class PictureCost {

    public static void main(String[] args) throws Exception {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(side, side);
        for (int y = side / 4; y < 3 * side / 4; y++) {
            for (int x = side / 4; x < 3 * side / 4; x++) {
                raster.setPixel(x, y, new int[]{65535, 65535, 65535, 65535});
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(model, raster, false, null), "png", png);
        byte[] bytes = png.toByteArray();
        raster = null;
        System.out.printf(Locale.ROOT, "png %dx%d 16-bit RGBA: %d bytes%n", side, side, bytes.length);

        PredictionsConfig limits = new PredictionsConfig() {
            public MemorySize maxImageBytes() {
                return new MemorySize(BigInteger.valueOf(16L << 20));
            }

            public long maxImagePixels() {
                return 1L << 24;
            }

            public long maxRequestPixels() {
                return 1L << 26;
            }
        };
        ImagePreprocessor preprocessor = new ImagePreprocessor(limits);
        // The bundled model's picture settings, read from its config.json as the service reads them.
        ImageFormat format = ModelRepository.open(Optional.empty()).settings("fashion-mnist").image().orElseThrow()
                .format(List.of(784L), "config.json");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < runs; i++) {
            long allocated = threads.getThreadAllocatedBytes(thread);
            long started = System.nanoTime();
            float[] pixels = preprocessor.toPixels(bytes, format);
            long millis = (System.nanoTime() - started) / 1_000_000;
            long bytesAllocated = threads.getThreadAllocatedBytes(thread) - allocated;
            System.out.printf(Locale.ROOT, "run %d: %d ms, %.1f MB allocated (%d inputs)%n", i + 1, millis,
                    bytesAllocated / 1e6, pixels.length);
        }
    }
}
