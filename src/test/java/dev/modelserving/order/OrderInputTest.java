package dev.modelserving.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored form of an order's task input: what goes in comes out, on any replica. */
class OrderInputTest {

    private static float[] row(float start) {
        float[] row = new float[784];
        for (int i = 0; i < row.length; i++) {
            row[i] = start + i / 1000f;
        }
        return row;
    }

    @Test
    void roundTripsEveryFieldAndEveryValue() {
        OrderInput input = new OrderInput("order-1", 100, "request-é", "alice", "colours", "3",
                List.of(row(0), row(0.5f), row(1)));
        OrderInput back = OrderInput.decode(input.encode());
        assertThat(back.orderId()).isEqualTo("order-1");
        assertThat(back.price()).isEqualTo(100);
        assertThat(back.requestId()).isEqualTo("request-é");
        assertThat(back.user()).isEqualTo("alice");
        assertThat(back.model()).isEqualTo("colours");
        assertThat(back.version()).isEqualTo("3");
        assertThat(back.rows()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(Arrays.equals(back.rows().get(i), input.rows().get(i))).as("row " + i).isTrue();
        }
    }

    @Test
    void keepsAbsentRequestIdAndUserAbsent() {
        OrderInput back = OrderInput.decode(new OrderInput("o", 1, null, null, null, null, List.of(row(0))).encode());
        assertThat(back.requestId()).isNull();
        assertThat(back.user()).isNull();
        assertThat(back.context().orderId()).isEqualTo("o");
    }

    @Test
    void refusesAnUnknownVersionAndTruncatedBytes() {
        byte[] bytes = new OrderInput("o", 1, null, null, null, null, List.of(row(0))).encode();
        byte[] future = bytes.clone();
        future[0] = 9;
        assertThatThrownBy(() -> OrderInput.decode(future)).hasMessageContaining("version 9");
        assertThatThrownBy(() -> OrderInput.decode(Arrays.copyOf(bytes, bytes.length - 5)))
                .hasMessageContaining("truncated");
    }

    /** Tasks queued by a replica of the version before models were named: read as orders for the default model. */
    @Test
    void readsTheFormatWithoutAModel() {
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(1 + 3 * 4 + 1 + 8 + 4 + 4 + 2 * 4);
        v1.put((byte) 1).putInt(1).put((byte) 'o').putInt(-1).putInt(-1).putLong(7).putInt(1).putInt(2)
                .putFloat(0.25f).putFloat(0.5f);
        OrderInput back = OrderInput.decode(v1.array());
        assertThat(back.orderId()).isEqualTo("o");
        assertThat(back.price()).isEqualTo(7);
        assertThat(back.model()).isNull();
        assertThat(back.version()).isNull();
        assertThat(back.rows().get(0)).containsExactly(0.25f, 0.5f);
    }
}
