package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python's float() and str(float), checked against values CPython 3.11 prints. */
class PythonFloatTest {

    @ParameterizedTest(name = "repr({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
        "12|12.0", "-3|-3.0", "0|0.0", "-0.0|-0.0", "3.5|3.5", "0.1|0.1", "2.675|2.675",
        // Java writes these 1.0E7, 1.0E-5, 1.0E16: Python's layout differs
        "1e7|10000000.0", "1e15|1000000000000000.0", "1e16|1e+16", "1.5e16|1.5e+16", "1e22|1e+22",
        "0.0001|0.0001", "0.00001|1e-05", "1.5e-7|1.5e-07", "1.5e300|1.5e+300", "5e-324|5e-324",
        "123456789012345678|1.2345678901234568e+17", "0.3333333333333333|0.3333333333333333",
        "9007199254740993|9007199254740992.0", "1.7976931348623157e308|1.7976931348623157e+308"})
    void reprIsPythons(String value, String python) {
        assertEquals(python, PythonFloat.repr(Double.parseDouble(value)));
    }

    @Test
    void specialValues() {
        assertEquals("nan", PythonFloat.repr(Double.NaN));
        assertEquals("inf", PythonFloat.repr(Double.POSITIVE_INFINITY));
        assertEquals("-inf", PythonFloat.repr(Double.NEGATIVE_INFINITY));
    }

    @ParameterizedTest(name = "float({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
        "12|12.0", "+4|4.0", "-3|-3.0", "1.|1.0", ".5|0.5", "2.50|2.5", "007|7.0", "1e5|100000.0", "1E5|100000.0",
        "1e+5|100000.0", "1e-5|1e-05", "1_000|1000.0", "1_000.000_1|1000.0001", "1e1_0|10000000000.0",
        "nan|nan", "NaN|nan", "-nan|nan", "inf|inf", "-Infinity|-inf", "iNfInItY|inf", "1e400|inf",
        "'\t5\n'|5.0", "'\u00a07\u3000'|7.0", "\u0663\u0662|32.0", "\u0661.\u0665|1.5"})
    void parsesWhatPythonParses(String text, String canonical) {
        assertTrue(PythonFloat.isNumber(text), text);
        assertEquals(canonical, PythonFloat.canonical(text));
    }

    @ParameterizedTest(name = "float({0}) raises")
    @CsvSource(delimiter = '|', value = {
        "1,000", "$5", "5%", "1.5.2", ".", "e5", "1e", "1e+", "_1", "1_", "1__0", "1_.5", "1._5", "0x10", "1d",
        "1f", "Infinity1", "infinit", "in", "+-1", "--1", "1 000", "12th", "'   '", "''", "five"})
    void rejectsWhatPythonRejects(String text) {
        assertFalse(PythonFloat.isNumber(text), text);
        assertNull(PythonFloat.parse(text));
    }
}
