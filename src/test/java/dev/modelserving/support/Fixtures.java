package dev.modelserving.support;

import dev.modelserving.model.ImageFormat;
import dev.modelserving.model.ModelRepository;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Real Fashion-MNIST test pictures (MIT licence) committed as PNGs under src/test/resources/fixtures, with their true
 * labels and the bundled model's prediction for each (written by tools/model-training's ExportFixtures).
 */
public final class Fixtures {

    /** One picture: its file name, the true label, and the label the model gives it. */
    public record Fixture(String file, String label, String predicted) {

        public byte[] bytes() {
            return resource("fixtures/" + file);
        }

        /** Path on disk, for commands that take files. */
        public Path path() {
            return Path.of("src/test/resources/fixtures", file).toAbsolutePath();
        }
    }

    private Fixtures() {
    }

    /** How pictures become the bundled model's input, read from its config.json as the service reads it. */
    public static ImageFormat bundledImageFormat() {
        return ModelRepository.open(Optional.empty()).settings("fashion-mnist").image().orElseThrow()
                .format(List.of(784L), "config.json");
    }

    public static List<Fixture> all() {
        String csv = new String(resource("fixtures/fixtures.csv"), StandardCharsets.UTF_8);
        List<Fixture> fixtures = new ArrayList<>();
        for (String line : csv.lines().skip(1).toList()) {
            String[] cells = line.split(",");
            fixtures.add(new Fixture(cells[0], cells[1], cells[2]));
        }
        return fixtures;
    }

    public static Fixture first() {
        return all().get(0);
    }

    static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PNG file of one solid colour. */
    public static byte[] solidPng(int width, int height, int rgb) {
        return solid("png", width, height, rgb);
    }

    /** A JPEG file of one solid colour. */
    public static byte[] solidJpeg(int width, int height, int rgb) {
        return solid("jpeg", width, height, rgb);
    }

    private static byte[] solid(String format, int width, int height, int rgb) {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                picture.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(picture, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
