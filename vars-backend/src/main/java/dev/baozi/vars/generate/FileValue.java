package dev.baozi.vars.generate;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The content of one generated or supplied file. Its {@code toString} never shows the content. */
public record FileValue(byte[] bytes) {

    public FileValue {
        bytes = bytes.clone();
    }

    public static FileValue of(String text) {
        return new FileValue(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The content as UTF-8 text (replacement characters where it is not). */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** True when the content is valid UTF-8. */
    public boolean isText() {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileValue other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "FileValue[" + bytes.length + " bytes, hidden]";
    }
}
