package dev.modelserving.problem;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;

/** Turns Jackson's path of a failed value into an RFC 6901 JSON Pointer. */
final class JsonPointers {

    private JsonPointers() {
    }

    static String of(List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            pointer.append('/');
            if (reference.getFieldName() != null) {
                pointer.append(reference.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (reference.getIndex() >= 0) {
                pointer.append(reference.getIndex());
            }
        }
        return pointer.toString();
    }
}
