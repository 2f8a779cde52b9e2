package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every rule of the official {@code _normalize_answer}, worked by hand (and checked against drop_eval.py on
 * CPython 3.11).
 */
class DropAnswerNormalizerTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        // lower case, articles a / an / the removed as whole words, whitespace collapsed
        "The Chicago Bears|chicago bears",
        "an apple a day|apple day",
        "Theatre and Anthem|theatre and anthem",
        "the-the|",
        "'  spaced   out  '|spaced out",
        "'New\tYork'|new york",
        "'x\tthe\ty'|x y",
        // punctuation (string.punctuation) removed from tokens that are not numbers, before the article rule
        "don't|dont",
        "e.g.|eg",
        "U.S.|us",
        "a.m.|am",
        "the's|thes",
        "(A)|",
        "(B)|b",
        // numbers canonicalised through float: Python's str(float(token))
        "12|12.0",
        "12.0|12.0",
        "3.50|3.5",
        "007|7.0",
        "1e5|100000.0",
        "10000000|10000000.0",
        "1e16|1e+16",
        "0.00001|1e-05",
        "123456789012345678|1.2345678901234568e+17",
        "1_000|1000.0",
        "Infinity|inf",
        "nan|nan",
        // punctuation goes first, so a comma-grouped or decorated number becomes a number too
        "1,000|1000.0",
        // ... but a grouped decimal loses its point as well: not the number it was
        "12,345.6|123456.0",
        "$5|5.0",
        "5%|5.0",
        "5.5%|55.0",
        // tokens split on spaces and hyphens: a minus sign is a hyphen
        "well-known|well known",
        "twenty-one|twenty one",
        "-3|3.0",
        "The 1,000-yard run.|1000.0 yard run",
        // Unicode: letters kept, decimal digits of any script are numbers
        "Café|café",
        "\u0661\u0662|12.0",
        "''|"})
    void normalizesLikeTheOfficialEvaluator(String raw, String normalized) {
        // an entirely empty CSV value arrives as null
        assertEquals(normalized == null ? "" : normalized, DropAnswerNormalizer.normalize(raw == null ? "" : raw));
    }
}
