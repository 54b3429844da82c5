// Settle.java - a pre-settlement (2206) through yibao's C API from Java, the
// way HIS software calls a vendor BUSINESS_HANDLE: JSON bytes in, JSON bytes
// out, a status code, and a second call with a larger buffer on YIBAO_EBUFS.
//
//   javac -d out Settle.java
//   java -Djava.library.path=<dir of libyibao_jni.so> -cp out Settle TARIFF.toml CATALOG.csv BILL.json
//
// The native side is examples/java/yibao_jni.c (JNI: JDK 17's foreign-function
// API is still an incubator module).
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public final class Settle {
  static final int YIBAO_OK = 0;
  static final int YIBAO_EBUFS = 5;

  static {
    System.loadLibrary("yibao_jni");
  }

  private static native int businessHandle(byte[] in, byte[] out, long[] outLen);

  private static native String lastError();

  private static native String version();

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: Settle TARIFF.toml CATALOG.csv BILL.json");
      System.exit(64);
    }
    String bill = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);
    String request = "{\"infno\":\"2206\",\"msgid\":\"J0001\",\"input\":{\"tariff\":" + quote(args[0])
        + ",\"catalog\":" + quote(args[1]) + ",\"bill\":" + bill + "}}";
    byte[] in = request.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[256];  // deliberately small: exercise YIBAO_EBUFS
    long[] outLen = new long[1];
    int status = businessHandle(in, out, outLen);
    if (status == YIBAO_EBUFS) {
      out = new byte[Math.toIntExact(outLen[0] + 1)];
      status = businessHandle(in, out, outLen);
    }
    if (status != YIBAO_OK) {
      System.err.println("yibao " + version() + ": status " + status + ": " + lastError());
      System.exit(1);
    }
    String response = new String(out, 0, Math.toIntExact(outLen[0]), StandardCharsets.UTF_8);
    System.out.println("yibao " + version());
    System.out.println(response);
  }
}
