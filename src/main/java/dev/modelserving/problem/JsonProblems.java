package dev.modelserving.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;

/**
 * What is wrong with a JSON body, in our words: the parser's own messages quote its internals and the input. One
 * wording for bodies the REST layer parsed and for those the service parses itself, wherever the failure is answered.
 */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** A body the service parsed itself. */
    public static Problem of(InvalidJsonException e, String path) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return of(json, path);
        }
        return malformed("The request body cannot be read", path);
    }

    /** Any parser failure: a body that is not JSON, or JSON of the wrong shape. */
    public static Problem of(JsonProcessingException e, String path) {
        if (e instanceof MismatchedInputException mismatch) {
            return mismatch(mismatch, path);
        }
        if (e instanceof StreamConstraintsException) {
            return malformed("The body goes beyond what this service reads in a JSON document: nesting depth, "
                    + "number length or string length", path);
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return malformed("The body is not valid JSON" + where, path);
    }

    /** Valid JSON that does not bind: a value of the wrong type, or content after the document. */
    public static Problem mismatch(MismatchedInputException e, String path) {
        if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            return malformed("The body has content after the end of its JSON document", path);
        }
        String pointer = JsonPointers.of(e.getPath());
        String detail = pointer.isEmpty()
                ? "The request body does not have the expected shape"
                : "The value at '" + pointer + "' has the wrong type";
        Problem problem = Problem.of(ProblemType.BAD_REQUEST, detail, path);
        if (!pointer.isEmpty()) {
            problem = problem.withErrors(List.of(Problem.FieldError.atPointer(pointer, "wrong type")));
        }
        return problem;
    }

    /** JSON that binds to nothing this service reads (at the pointer, when the parser knows it). */
    public static Problem unmappable(JsonMappingException e, String path) {
        String pointer = JsonPointers.of(e.getPath());
        return malformed("The request body cannot be read" + (pointer.isEmpty() ? "" : " at '" + pointer + "'"),
                path);
    }

    private static Problem malformed(String detail, String path) {
        return Problem.of(ProblemType.BAD_REQUEST, detail, path);
    }
}
