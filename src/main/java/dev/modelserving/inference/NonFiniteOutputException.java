package dev.modelserving.inference;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;

/**
 * The model answered a value that is not a finite number (NaN or infinite) for a row: inputs far outside what it was
 * trained on (values near the FP32 limit overflow its arithmetic). Nothing is answered from such an output, neither a
 * JSON string where the protocol wants a number nor a log line; the client gets a 422 naming the row.
 */
public class NonFiniteOutputException extends ProblemException {

    public NonFiniteOutputException(int row) {
        super(ProblemType.VALIDATION_FAILED, "The model's output for row " + row + " is not a finite number (NaN or "
                + "infinite); its inputs are far outside the range the model works in");
    }
}
