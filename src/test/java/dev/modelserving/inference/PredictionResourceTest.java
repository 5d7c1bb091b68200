package dev.modelserving.inference;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PredictionResourceTest {

    private String token;

    @BeforeEach
    void login() {
        token = Api.newUserToken();
    }

    private Response predict(byte[] body, String contentType) {
        return given().auth().oauth2(token).contentType(contentType).body(body).post("/predictions");
    }

    @Test
    void classifiesEachFixtureAsTheModelDoes() {
        for (Fixtures.Fixture fixture : Fixtures.all()) {
            Response response = predict(fixture.bytes(), "image/png");
            assertThat(response.statusCode()).as(fixture.file()).isEqualTo(200);
            assertThat(response.jsonPath().getString("label")).as(fixture.file()).isEqualTo(fixture.predicted());
            List<Float> probabilities = response.jsonPath().getList("top.probability", Float.class);
            assertThat(probabilities).hasSize(3).isSortedAccordingTo((a, b) -> Float.compare(b, a));
            assertThat(response.jsonPath().getFloat("confidence")).isEqualTo(probabilities.get(0));
            assertThat(response.jsonPath().getString("top[0].label")).isEqualTo(fixture.predicted());
            assertThat(response.jsonPath().getString("model.name")).isEqualTo("fashion-mnist");
            assertThat(response.jsonPath().getString("model.version")).isEqualTo("1");
        }
    }

    @Test
    void mostFixturesAreRight() {
        long right = Fixtures.all().stream().filter(f -> f.label().equals(f.predicted())).count();
        assertThat(right).isGreaterThanOrEqualTo(Fixtures.all().size() * 3 / 4);
    }

    @Test
    void aDarkObjectOnWhiteIsInvertedToTheTrainingPolarity() throws IOException {
        Fixtures.Fixture fixture = Fixtures.first();
        BufferedImage original = ImageIO.read(new ByteArrayInputStream(fixture.bytes()));
        BufferedImage inverted = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                inverted.getRaster().setSample(x, y, 0, 255 - original.getRaster().getSample(x, y, 0));
            }
        }
        Response plain = predict(fixture.bytes(), "image/png");
        Response flipped = predict(png(inverted), "image/png");
        assertThat(flipped.jsonPath().getString("label")).isEqualTo(plain.jsonPath().getString("label"));
        assertThat(flipped.jsonPath().getFloat("confidence"))
                .isCloseTo(plain.jsonPath().getFloat("confidence"), within(1e-4f));
    }

    @Test
    void aLargeColourJpegIsScaledDown() throws IOException {
        Fixtures.Fixture fixture = Fixtures.first();
        BufferedImage original = ImageIO.read(new ByteArrayInputStream(fixture.bytes()));
        BufferedImage large = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = large.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 280, 280);
        g.drawImage(original, 0, 0, 280, 280, null);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(large, "jpeg", jpeg);

        Response response = predict(jpeg.toByteArray(), "image/jpeg");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getString("label")).isEqualTo(fixture.predicted());
    }

    @Test
    void needsAToken() {
        Response response = given().contentType("image/png").body(Fixtures.first().bytes()).post("/predictions");
        assertProblem(response, 401, "/predictions");
    }

    @Test
    void otherContentTypesAre415() {
        assertProblem(predict("hello".getBytes(), "text/plain"), 415, "/predictions");
        assertProblem(predict(Fixtures.first().bytes(), "image/gif"), 415, "/predictions");
    }

    @Test
    void bytesThatAreNoImageAre422() {
        assertThat(assertProblem(predict("not a picture at all".getBytes(), "image/png"), 422, "/predictions"))
                .contains("not a PNG or JPEG");
        byte[] truncated = Arrays.copyOf(Fixtures.first().bytes(), 60);
        assertProblem(predict(truncated, "image/png"), 422, "/predictions");
        assertProblem(predict(new byte[0], "image/png"), 422, "/predictions");
    }

    @Test
    void aPictureInAnotherFormatIs422NamingTheFormat() throws IOException {
        BufferedImage picture = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(picture, "gif", gif);
        assertThat(assertProblem(predict(gif.toByteArray(), "image/png"), 422, "/predictions"))
                .contains("is a gif image; send PNG or JPEG");
    }

    @Test
    void anImageOverTheLimitIs413() {
        byte[] big = new byte[1024 * 1024 + 1];
        assertThat(assertProblem(predict(big, "image/png"), 413, "/predictions")).contains("1048576");
    }

    @Test
    void aHugeDeclaredPictureIs422WithoutDecodingIt() throws IOException {
        // 5000x5000 of one colour compresses to a few kB but would need 25 million pixels of memory.
        BufferedImage huge = new BufferedImage(5000, 5000, BufferedImage.TYPE_BYTE_BINARY);
        Response response = predict(png(huge), "image/png");
        assertThat(assertProblem(response, 422, "/predictions")).contains("5000x5000");
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
