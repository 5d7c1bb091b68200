package dev.modelserving.order;

import dev.modelserving.model.PredictionContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an asynchronous order's task needs to run on any replica, as stored bytes: the order, the price, who asked
 * (for the prediction log) and the decoded model rows — 4 bytes per pixel, 3 KB per picture. A version byte comes
 * first so that a later format can still read tasks queued by an older replica.
 */
record OrderInput(String orderId, long price, String requestId, String user, List<float[]> rows) {

    private static final int VERSION = 1;

    PredictionContext context() {
        return new PredictionContext(requestId, user, orderId);
    }

    byte[] encode() {
        int rowLength = rows.isEmpty() ? 0 : rows.get(0).length;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + rows.size() * rowLength * Float.BYTES);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(orderId);
            out.writeLong(price);
            writeNullable(out, requestId);
            writeNullable(out, user);
            out.writeInt(rows.size());
            out.writeInt(rowLength);
            for (float[] row : rows) {
                for (float value : row) {
                    out.writeFloat(value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static OrderInput decode(byte[] stored) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("order input version " + version + " is not known here");
            }
            String orderId = in.readUTF();
            long price = in.readLong();
            String requestId = readNullable(in);
            String user = readNullable(in);
            int count = in.readInt();
            int rowLength = in.readInt();
            List<float[]> rows = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                float[] row = new float[rowLength];
                for (int j = 0; j < rowLength; j++) {
                    row[j] = in.readFloat();
                }
                rows.add(row);
            }
            return new OrderInput(orderId, price, requestId, user, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("stored order input is truncated", e);
        }
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
