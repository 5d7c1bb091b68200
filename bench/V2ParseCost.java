import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.modelserving.v2.V2Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What parsing one V2 inference request costs on one thread, with Jackson's default float parsing and with its fast
 * parser (which the service uses), and what tokenizing alone costs. Run from the project root after bench/run.sh
 * made its bodies (or with any V2 request file):
 *   java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" bench/V2ParseCost.java \
 *       bench/work/bodies/infer-1.json
 */
public class V2ParseCost {

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[0]));
        ObjectMapper json = new ObjectMapper();
        ObjectReader plain = json.readerFor(V2Protocol.InferenceRequest.class);
        ObjectReader fast = plain.with(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
        int runs = 50_000;
        for (String name : new String[] {"default", "fast"}) {
            ObjectReader reader = name.equals("fast") ? fast : plain;
            for (int i = 0; i < runs; i++) {
                reader.readValue(body);
            }
            long started = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                reader.readValue(body);
            }
            System.out.printf(Locale.ROOT, "parse (%s floats): %.1f us%n", name,
                    (System.nanoTime() - started) / 1e3 / runs);
        }
        long started = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            try (JsonParser parser = json.getFactory().createParser(body)) {
                while (parser.nextToken() != null) {
                    // tokens only
                }
            }
        }
        System.out.printf(Locale.ROOT, "tokenize only: %.1f us%n", (System.nanoTime() - started) / 1e3 / runs);
    }
}
