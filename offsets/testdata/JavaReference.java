// JavaReference prints facts the offsets codec must match, from a real JVM:
// java.util.HashMap iteration order for key sets inserted with put() into
// new HashMap<>(), and Double.toString / Float.toString renderings.
// Regenerate java-reference.txt with: java JavaReference.java > java-reference.txt
import java.util.*;

public class JavaReference {
    public static void main(String[] args) {
        String[][] keySets = {
            {"server"},
            {"filename"},
            {"file", "pos", "gtids"},
            {"ts_sec", "file", "pos", "row", "server_id", "event", "gtids", "snapshot"},
            {"position"},
            {"commit_scn", "snapshot_scn", "scn", "snapshot", "snapshot_completed", "transaction_id"},
            {"z", "y", "x", "w", "v", "u", "t", "s", "r", "q", "p", "o", "n"},
            {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"},
            {"Aa", "BB"},
            {"é", "ü", "日本", "😀"},
            {"lsn", "txId", "ts_usec", "lsn_proc", "lsn_commit", "messageType"},
        };
        for (String[] ks : keySets) {
            Map<String, Object> m = new HashMap<>();
            for (String k : ks) m.put(k, 1);
            System.out.println("order " + String.join(",", ks) + " -> " + String.join(",", m.keySet()));
        }
        double[] ds = {0.0, -0.0, 1.0, -1.5, 0.1, 0.001, 0.0001, 1e-5, 123.456, 1e6, 9999999.0, 1e7, 1.0E10,
            12345678.9, 3.141592653589793, 1e21, 1e22, 1e23, 4.9E-324, Double.MAX_VALUE, 100.0, 2.5e-3};
        for (double d : ds) System.out.println("double " + d + " " + Double.doubleToRawLongBits(d));
        float[] fs = {1.0f, 0.1f, 1e10f, 3.4028235e38f, 1.4e-45f, 123.456f};
        for (float f : fs) System.out.println("float " + f + " " + Float.floatToRawIntBits(f));
    }
}
