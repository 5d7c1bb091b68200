package dev.modelserving.order;

import dev.modelserving.model.LoadedModel;
import java.util.List;

/** An order's items as input rows of the model version they were prepared for, which must classify them. */
record OrderItems(LoadedModel model, List<float[]> rows) {

    String modelName() {
        return model.metadata().name();
    }

    String modelVersion() {
        return model.metadata().version();
    }
}
