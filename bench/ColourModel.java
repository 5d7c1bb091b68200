import dev.modelserving.support.OnnxModels;
import java.nio.file.Path;

/**
 * Writes an ImageNet-shaped colour model into a repository for bench/swap.sh: [N, 3, 224, 224] in, the mean of each
 * channel out as three logits, with centre cropping, ImageNet mean and std, and softmax. Run with the test classes on
 * the class path: java -cp target/test-classes bench/ColourModel.java REPOSITORY
 */
public class ColourModel {
    public static void main(String[] args) {
        OnnxModels.writeModel(Path.of(args[0]), "colours", 1, OnnxModels.channelMeans(true, 224, 224), """
                {"labels": ["red", "green", "blue"],
                 "image": {"width": 224, "height": 224, "channels": 3, "layout": "NCHW", "resize": "center-crop",
                           "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
                 "output": {"softmax": true}}
                """);
    }
}
