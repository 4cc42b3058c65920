// GenGolden prints, for each case, name TAB the lowercase hex of
// ObjectOutputStream.writeObject(Object[]): the golden streams of this directory
// that are listed in cases.txt after "written by GenGolden". Run with
// `java GenGolden.java` (OpenJDK 17).
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

public class GenGolden {
    public static void main(String[] args) throws Exception {
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("boolean-double-float", new Object[]{true, 1.5d, -0.25f});
        cases.put("biginteger", new Object[]{new BigInteger("-123456789012345678901234567890"), BigInteger.ZERO});
        cases.put("bytes", new Object[]{new byte[]{1, 2, (byte) 0xff}, "s"});
        cases.put("decimals", new Object[]{new BigDecimal("-18.50"), new BigDecimal("123456789012345678901234567890.001")});
        cases.put("timestamps", new Object[]{Timestamp.from(Instant.parse("2024-03-05T10:20:30.123456789Z")),
                Timestamp.from(Instant.parse("1969-12-31T23:59:59.500Z"))});
        cases.put("uuid", new Object[]{new UUID(2L, 1L)});
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
                out.writeObject(c.getValue());
            }
            System.out.println(c.getKey() + "\t" + HexFormat.of().formatHex(bos.toByteArray()));
        }
    }
}
