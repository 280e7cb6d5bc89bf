package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

class TensorJsonTests {

    @Test
    void sharedFactoryDetectsDuplicatesAndLetsNonFiniteTokensThrough() {
        JsonFactory factory = TensorJson.factory();

        assertThat(factory).isSameAs(TensorJson.factory());
        assertThat(factory.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION)).isTrue();
        assertThat(factory.isEnabled(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)).isTrue();
        assertThat(factory.isEnabled(StreamReadFeature.USE_FAST_DOUBLE_PARSER)).isFalse();
        assertThat(factory.streamReadConstraints().getMaxNestingDepth()).isEqualTo(StreamReadConstraints.DEFAULT_MAX_DEPTH);
    }

    @Test
    void buildsFactoriesWithAGivenNestingDepth() {
        JsonFactory factory = TensorJson.factory(12);

        assertThat(factory.streamReadConstraints().getMaxNestingDepth()).isEqualTo(12);
        assertThat(factory.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION)).isTrue();
        assertThat(factory.isEnabled(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)).isTrue();
        assertThatThrownBy(() -> TensorJson.factory(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
