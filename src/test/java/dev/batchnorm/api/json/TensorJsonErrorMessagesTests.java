package dev.batchnorm.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Jackson's messages, as Jackson 3.1 words them, lose their Java names and source remarks. */
class TensorJsonErrorMessagesTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Unexpected close marker '}': expected ']' (for Array starting at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); byte offset: #UNKNOWN]) | Unexpected close marker '}': expected ']'
            Unexpected end-of-input: expected close marker for Array (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); byte offset: #UNKNOWN]) | Unexpected end-of-input: expected close marker for Array
            Number value length (1200) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`) | Number value length (1200) exceeds the maximum allowed (1000)
            Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow | Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs
            Unexpected end-of-input in VALUE_STRING | Unexpected end-of-input in value
            Cannot deserialize value of type tools.jackson.core.Foo (for Object value) | Cannot deserialize value of type
            Duplicate Object property "a" | Duplicate Object property "a"
            """)
    void removesJavaNamesFromJacksonMessages(String jackson, String expected) {
        assertThat(JacksonErrors.clean(jackson)).isEqualTo(expected);
    }
}
