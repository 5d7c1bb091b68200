package dev.modelserving.order;

import dev.modelserving.inference.PredictionContext;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What an asynchronous order's task needs to run on any replica, as stored bytes: the order, the price, who asked (for
 * the prediction log) and the decoded model rows — 4 bytes per pixel, 3 KB per picture, copied in bulk (a float at a
 * time through a stream was most of a task's time). A version byte comes first so that a later format can still read
 * tasks queued by an older replica.
 */
record OrderInput(String orderId, long price, String requestId, String user, String model, String version,
        List<float[]> rows) {

    /** 2 added the model and its version; 1 (without them: the default model) is still read. */
    private static final byte VERSION = 2;
    private static final int NULL = -1;

    PredictionContext context() {
        return new PredictionContext(requestId, user, orderId);
    }

    byte[] encode() {
        int rowLength = rows.isEmpty() ? 0 : rows.get(0).length;
        byte[][] texts = {utf8(orderId), utf8(requestId), utf8(user), utf8(model), utf8(version)};
        long size = 1 + Long.BYTES + 2 * Integer.BYTES + (long) rows.size() * rowLength * Float.BYTES;
        for (byte[] text : texts) {
            size += Integer.BYTES + (text == null ? 0 : text.length);
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size));
        out.put(VERSION);
        for (byte[] text : texts) {
            out.putInt(text == null ? NULL : text.length);
            if (text != null) {
                out.put(text);
            }
        }
        out.putLong(price).putInt(rows.size()).putInt(rowLength);
        for (float[] row : rows) {
            out.asFloatBuffer().put(row);
            out.position(out.position() + row.length * Float.BYTES);
        }
        return out.array();
    }

    static OrderInput decode(byte[] stored) {
        try {
            ByteBuffer in = ByteBuffer.wrap(stored);
            byte version = in.get();
            if (version != 1 && version != VERSION) {
                throw new IllegalArgumentException("order input version " + version + " is not known here");
            }
            String orderId = text(in);
            String requestId = text(in);
            String user = text(in);
            String model = version == 1 ? null : text(in);
            String modelVersion = version == 1 ? null : text(in);
            long price = in.getLong();
            int count = in.getInt();
            int rowLength = in.getInt();
            List<float[]> rows = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                float[] row = new float[rowLength];
                in.asFloatBuffer().get(row);
                in.position(in.position() + rowLength * Float.BYTES);
                rows.add(row);
            }
            return new OrderInput(orderId, price, requestId, user, model, modelVersion, rows);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("stored order input is truncated", e);
        }
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer in) {
        int length = in.getInt();
        if (length == NULL) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
