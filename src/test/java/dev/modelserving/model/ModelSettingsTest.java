package dev.modelserving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** config.json as users write it: what it means, and every mistake named with the file and the key. */
class ModelSettingsTest {

    private static final String FILE = "/models/shirts/config.json";

    private static ModelSettings parse(String json) {
        return ModelSettings.parse(json.getBytes(StandardCharsets.UTF_8), FILE);
    }

    private static void rejected(String json, String... reason) {
        assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith(FILE).hasMessageContainingAll(reason);
    }

    @Test
    void anImageNetStyleConfigReadsAsWritten() {
        ModelSettings settings = parse("""
                {"labels": ["cat", "dog", "fox"],
                 "image": {"width": 224, "height": 224, "channels": 3, "layout": "NCHW", "resize": "center-crop",
                           "scale": 0.00392156862745098, "mean": [0.485, 0.456, 0.406],
                           "std": [0.229, 0.224, 0.225], "invert": false},
                 "output": {"softmax": true}, "versionPolicy": {"latest": 2}, "maxBatchRows": 8}
                """);
        assertThat(settings.labels()).contains(List.of("cat", "dog", "fox"));
        assertThat(settings.softmax()).isTrue();
        assertThat(settings.maxBatchRows()).hasValue(8);
        ImageFormat format = settings.image().orElseThrow().format(List.of(3L, 224L, 224L), FILE);
        assertThat(format.width()).isEqualTo(224);
        assertThat(format.channels()).isEqualTo(3);
        assertThat(format.resize()).isEqualTo(ImageFormat.Resize.CENTER_CROP);
        assertThat(format.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(format.std()).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(format.invert()).isEqualTo(ImageFormat.Invert.NO);
        assertThat(format.unitRange()).isFalse();
    }

    @Test
    void everyKeyIsOptionalAndTheSizeComesFromTheInputShape() {
        ModelSettings empty = parse("{}");
        assertThat(empty.labels()).isEmpty();
        assertThat(empty.image()).isEmpty();
        assertThat(empty.softmax()).isFalse();
        assertThat(empty.versionPolicy()).isEqualTo(VersionPolicy.latest(1));
        ImageFormat nhwc = parse("{\"image\": {\"layout\": \"NHWC\"}}").image().orElseThrow()
                .format(List.of(32L, 48L, 3L), FILE);
        assertThat(List.of(nhwc.height(), nhwc.width(), nhwc.channels())).containsExactly(32, 48, 3);
        assertThat(nhwc.scale()).isEqualTo(1f / 255f);
        assertThat(nhwc.mean()).containsExactly(0f, 0f, 0f);
        assertThat(nhwc.std()).containsExactly(1f, 1f, 1f);
        assertThat(nhwc.unitRange()).isTrue();
    }

    @Test
    void mistakesAreNamedWithTheFileAndTheKey() {
        rejected("{\"labels\": [\"a\"", "is not valid JSON");
        rejected("[]", "must hold a JSON object");
        rejected("{\"lables\": []}", "unknown key 'lables'");
        rejected("{\"image\": {\"chanels\": 3}}", "unknown key 'image.chanels'");
        rejected("{\"image\": {\"width\": \"224\"}}", "'image.width' must be a whole number");
        rejected("{\"image\": {\"width\": 0}}", "'image.width' must be a whole number of 1 or more");
        rejected("{\"image\": {\"channels\": 2}}", "'image.channels' must be 1 (grayscale) or 3 (RGB)");
        rejected("{\"image\": {\"channels\": 3, \"mean\": [0.5]}}", "'image.mean' has 1 values for 3 channel(s)");
        rejected("{\"image\": {\"std\": [0.5, 0]}}", "'image.std[1]' must not be 0");
        rejected("{\"image\": {\"layout\": \"nchw\"}}", "'image.layout' must be one of NCHW, NHWC");
        rejected("{\"image\": {\"resize\": \"crop\"}}", "'image.resize' must be one of stretch, center-crop, fit");
        rejected("{\"image\": {\"invert\": \"yes\"}}", "'image.invert' must be true, false or \"auto\"");
        rejected("{\"labels\": [\"a\", 2]}", "'labels[1]' must be a string");
        rejected("{\"output\": {\"softmax\": 1}}", "'output.softmax' must be true or false");
        rejected("{\"versionPolicy\": {\"latest\": 1, \"all\": true}}", "exactly one of 'latest', 'all'");
        rejected("{\"versionPolicy\": {\"specific\": [1, \"2\"]}}", "'versionPolicy.specific[1]'");
        rejected("{\"maxBatchRows\": 1.5}", "'maxBatchRows' must be a whole number");
        rejected("{\"labels\": [], \"labels\": []}", "Duplicate field 'labels'");
    }

    @Test
    void aPictureThatDoesNotFitTheInputIsNamed() {
        ModelSettings.Image image = parse("{\"image\": {\"width\": 28, \"height\": 28}}").image().orElseThrow();
        assertThatThrownBy(() -> image.format(List.of(3L, 32L, 32L), FILE))
                .hasMessageContaining("'image.width' is 28 but the model's input has 32");
        assertThatThrownBy(() -> image.format(List.of(100L), FILE))
                .hasMessageContaining("784 values, but the model's input takes 100");
        assertThatThrownBy(() -> parse("{\"image\": {}}").image().orElseThrow().format(List.of(784L), FILE))
                .hasMessageContaining("'image.width' is needed");
        assertThatThrownBy(() -> parse("{\"image\": {}}").image().orElseThrow().format(List.of(2L, 8L, 8L), FILE))
                .hasMessageContaining("2 channels; pictures give 1 or 3");
    }

    @Test
    void versionPoliciesChooseAsTritonsDo() {
        TreeSet<Integer> present = new TreeSet<>(List.of(1, 2, 5));
        assertThat(VersionPolicy.latest(1).select(present)).containsExactly(5);
        assertThat(VersionPolicy.latest(2).select(present)).containsExactly(5, 2);
        assertThat(VersionPolicy.latest(9).select(present)).containsExactly(5, 2, 1);
        assertThat(VersionPolicy.all().select(present)).containsExactly(5, 2, 1);
        assertThat(VersionPolicy.specific(List.of(1, 3)).select(present)).containsExactly(1);
        assertThat(parse("{\"versionPolicy\": {\"specific\": [2, 1]}}").versionPolicy().select(present))
                .containsExactly(2, 1);
    }

    @Test
    void theBundledModelsConfigIsValid() {
        ModelRepository bundled = ModelRepository.open(java.util.Optional.empty());
        ModelSettings settings = bundled.settings("fashion-mnist");
        assertThat(settings.labels().orElseThrow()).hasSize(10).contains("Sneaker", "Ankle boot");
        ImageFormat format = settings.image().orElseThrow().format(List.of(784L), FILE);
        assertThat(format.resize()).isEqualTo(ImageFormat.Resize.FIT);
        assertThat(format.invert()).isEqualTo(ImageFormat.Invert.AUTO);
        assertThat(bundled.versions("fashion-mnist").valid()).containsExactly(1);
    }
}
