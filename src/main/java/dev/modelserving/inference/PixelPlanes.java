package dev.modelserving.inference;

import dev.modelserving.model.ImageFormat;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;

/**
 * The arithmetic of preprocessing, on a decoded picture held as one float plane per channel: colour to planes, the
 * fitting to the model's size (area averaging), and normalisation and layout. No decoding and no limits here: those are
 * {@link ImagePreprocessor}'s.
 */
final class PixelPlanes {

    private PixelPlanes() {
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

    /** Red, green and blue 0..1; transparent pixels count as white paper. */
    static float[][] rgb(BufferedImage picture) {
        int width = picture.getWidth();
        int height = picture.getHeight();
        int[] argb = picture.getRGB(0, 0, width, height, null, 0, width);
        float[][] planes = new float[3][argb.length];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            float alpha = ((p >>> 24) & 0xFF) / 255f;
            for (int c = 0; c < 3; c++) {
                float value = ((p >> (16 - 8 * c)) & 0xFF) / 255f;
                planes[c][i] = value * alpha + (1f - alpha);
            }
        }
        return planes;
    }

    static float meanBorder(float[][] planes, int width, int height, float factor) {
        double sum = 0;
        int count = 0;
        for (float[] gray : planes) {
            for (int x = 0; x < width; x++) {
                sum += gray[x] + gray[(height - 1) * width + x];
                count += 2;
            }
            for (int y = 1; y < height - 1; y++) {
                sum += gray[y * width] + gray[y * width + width - 1];
                count += 2;
            }
        }
        return (float) (sum / count * factor);
    }

    /**
     * Each plane fitted to the format's size as its {@code resize} says: stretched, centre-cropped after scaling the
     * shorter side, or scaled by the longer side and centred on a background of 0. A picture of the model's size is
     * taken as it is.
     */
    static float[][] fit(float[][] planes, int width, int height, ImageFormat format) {
        int outW = format.width();
        int outH = format.height();
        if (width == outW && height == outH) {
            return planes;
        }
        // The source rectangle (x0, y0, w, h) drawn into the box (bx, by, bw, bh) of the output.
        double x0 = 0;
        double y0 = 0;
        double w = width;
        double h = height;
        int bx = 0;
        int by = 0;
        int bw = outW;
        int bh = outH;
        switch (format.resize()) {
            case STRETCH -> {
            }
            case CENTER_CROP -> {
                double scale = Math.max((double) outW / width, (double) outH / height);
                w = outW / scale;
                h = outH / scale;
                x0 = (width - w) / 2;
                y0 = (height - h) / 2;
            }
            case FIT -> {
                double scale = Math.min((double) outW / width, (double) outH / height);
                bw = Math.max(1, Math.min(outW, (int) Math.round(width * scale)));
                bh = Math.max(1, Math.min(outH, (int) Math.round(height * scale)));
                bx = (outW - bw) / 2;
                by = (outH - bh) / 2;
            }
        }
        float[][] out = new float[planes.length][outW * outH];
        double stepX = w / bw;
        double stepY = h / bh;
        for (int c = 0; c < planes.length; c++) {
            for (int oy = 0; oy < bh; oy++) {
                double sy0 = y0 + oy * stepY;
                for (int ox = 0; ox < bw; ox++) {
                    double sx0 = x0 + ox * stepX;
                    out[c][(oy + by) * outW + ox + bx] = (float) boxAverage(planes[c], width, height, sx0,
                            sx0 + stepX, sy0, sy0 + stepY);
                }
            }
        }
        return out;
    }

    /** The planes normalised by channel ({@code (value - mean) / std}) and laid out as the model takes them. */
    static float[] layOut(ImageFormat format, float[][] planes) {
        int pixels = format.width() * format.height();
        int channels = planes.length;
        float[] out = new float[pixels * channels];
        boolean channelsFirst = format.layout() == ImageFormat.Layout.NCHW;
        for (int c = 0; c < channels; c++) {
            float mean = format.mean()[c];
            float std = format.std()[c];
            boolean identity = mean == 0f && std == 1f;
            float[] plane = planes[c];
            for (int i = 0; i < pixels; i++) {
                float value = identity ? plane[i] : (plane[i] - mean) / std;
                out[channelsFirst ? c * pixels + i : i * channels + c] = value;
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
