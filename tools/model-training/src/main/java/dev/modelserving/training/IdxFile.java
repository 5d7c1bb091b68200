package dev.modelserving.training;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the gzipped IDX files Fashion-MNIST is distributed as (the MNIST format). */
final class IdxFile {

    private static final int IMAGES_MAGIC = 2051;
    private static final int LABELS_MAGIC = 2049;

    private IdxFile() {
    }

    /** Pixels scaled to 0..1, row-major, one array of rows x cols per image. */
    static float[][] readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            expectMagic(in.readInt(), IMAGES_MAGIC, file);
            int count = in.readInt();
            int pixels = in.readInt() * in.readInt();
            float[][] images = new float[count][pixels];
            byte[] row = new byte[pixels];
            for (int i = 0; i < count; i++) {
                in.readFully(row);
                for (int p = 0; p < pixels; p++) {
                    images[i][p] = (row[p] & 0xFF) / 255f;
                }
            }
            return images;
        }
    }

    static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            expectMagic(in.readInt(), LABELS_MAGIC, file);
            int[] labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
    }

    private static void expectMagic(int actual, int expected, Path file) throws IOException {
        if (actual != expected) {
            throw new IOException(file + " is not an IDX file of the expected kind (magic " + actual + ")");
        }
    }
}
