package dev.modelserving.order;

import dev.modelserving.inference.ImagePreprocessor;
import dev.modelserving.inference.PayloadTooLargeException;
import dev.modelserving.inference.PixelBudget;
import dev.modelserving.inference.PredictionsConfig;
import dev.modelserving.model.ImageFormat;
import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.ServedModels;
import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ValidationFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns the items of an order into model input rows, all of them before anything is accepted, so that a bad item is a
 * 422 naming its index instead of a task that fails later. Blocking (decoding): call it off the event loop.
 */
@ApplicationScoped
public class OrderItemReader {

    private final ServedModels served;
    private final ImagePreprocessor preprocessor;
    private final OrderConfig config;
    private final PredictionsConfig images;

    public OrderItemReader(ServedModels served, ImagePreprocessor preprocessor, OrderConfig config,
            PredictionsConfig images) {
        this.served = served;
        this.preprocessor = preprocessor;
        this.config = config;
        this.images = images;
    }

    /** The JSON items, for the model (and version) the request names, else the default model. */
    public OrderItems fromJson(OrderRequest request) {
        List<OrderRequest.Item> items = request == null || request.items() == null ? List.of() : request.items();
        checkCount(items.size(), "/items");
        LoadedModel model = request == null ? served.require() : served.require(request.model(), request.version());
        ImageFormat format = model.requireImage();
        PixelBudget budget = new PixelBudget(images.maxRequestPixels());
        List<float[]> rows = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            rows.add(fromJsonItem(items.get(i), i, format, budget));
        }
        return new OrderItems(model, rows);
    }

    /**
     * Pictures uploaded as the multipart parts named {@code images}, in order, for the named model (the default one
     * when {@code name} is null) and version (its newest when null).
     */
    public OrderItems fromImages(List<byte[]> pictures, String name, String version) {
        checkCount(pictures.size(), "/images");
        LoadedModel model = served.require(name, version);
        ImageFormat format = model.requireImage();
        PixelBudget budget = new PixelBudget(images.maxRequestPixels());
        List<float[]> rows = new ArrayList<>(pictures.size());
        for (int i = 0; i < pictures.size(); i++) {
            rows.add(decode(pictures.get(i), "images[" + i + "]", "/images/" + i, format, budget));
        }
        return new OrderItems(model, rows);
    }

    private float[] fromJsonItem(OrderRequest.Item item, int index, ImageFormat format, PixelBudget budget) {
        String where = "/items/" + index;
        if (item == null || (item.image() == null) == (item.pixels() == null)) {
            throw invalid(where, "Item " + index + " must have exactly one of 'image' (base64 PNG/JPEG) or 'pixels'");
        }
        if (item.pixels() != null) {
            float[] pixels = item.pixels();
            if (pixels.length != format.values()) {
                throw invalid(where + "/pixels", "Item " + index + " has " + pixels.length + " pixels; "
                        + format.values() + " (" + format.width() + "x" + format.height()
                        + (format.channels() == 1 ? "" : "x" + format.channels()) + ") are needed");
            }
            boolean unit = format.unitRange();
            for (float value : pixels) {
                if (unit ? !(value >= 0f && value <= 1f) : !Float.isFinite(value)) {
                    throw invalid(where + "/pixels", "Item " + index + " has a pixel value " + value
                            + (unit ? " outside 0..1" : " that is not a finite number"));
                }
            }
            return pixels.clone();
        }
        byte[] picture;
        try {
            picture = Base64.getMimeDecoder().decode(item.image());
        } catch (IllegalArgumentException e) {
            throw invalid(where + "/image", "Item " + index + " is not valid base64");
        }
        return decode(picture, "Item " + index, where + "/image", format, budget);
    }

    private float[] decode(byte[] picture, String name, String pointer, ImageFormat format, PixelBudget budget) {
        long limit = images.maxImageBytes().asLongValue();
        if (picture.length > limit) {
            throw new PayloadTooLargeException(name + " is " + picture.length + " bytes; at most " + limit
                    + " are accepted per picture (app.predictions.max-image-bytes)");
        }
        try {
            return preprocessor.toPixels(picture, format, budget);
        } catch (ProblemException e) {
            throw invalid(pointer, name + " cannot be used: " + e.getMessage());
        }
    }

    private void checkCount(int count, String pointer) {
        if (count == 0) {
            throw invalid(pointer, "An order needs at least one item");
        }
        if (count > config.maxItems()) {
            throw invalid(pointer, "An order may have at most " + config.maxItems() + " items, this one has "
                    + count);
        }
    }

    private static ValidationFailedException invalid(String pointer, String detail) {
        return new ValidationFailedException(detail, List.of(Problem.FieldError.atPointer(pointer, detail)));
    }
}
