package io.strata.client.cli;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.client.Cmp;
import io.strata.client.DeleteOptions;
import io.strata.client.GetOptions;
import io.strata.client.Op;
import io.strata.client.PutOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcdctl's transaction text: compares such as {@code mod("a") = "0"} or {@code value("k") != "v"}
 * (targets ver/version, c/create, m/mod, val/value, lease), and requests written as the put, get
 * and del commands with their main flags.
 */
final class TxnParser {
  private static final Pattern COMPARE =
      Pattern.compile(
          "^\\s*(\\w+)\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)\\s*(=|!=|<|>)\\s*\"?((?:[^\"\\\\]|\\\\.)*)\"?\\s*$");

  private TxnParser() {}

  /** Lines up to the next empty line or the end of input. */
  static List<String> block(BufferedReader in) throws IOException {
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      lines.add(line);
    }
    return lines;
  }

  static List<Compare> compares(List<String> lines) {
    List<Compare> out = new ArrayList<>();
    for (String line : lines) {
      Matcher m = COMPARE.matcher(line);
      if (!m.matches()) {
        throw new CtlException(CtlException.EXIT_BAD_ARGS, "malformed comparison: " + line);
      }
      ByteString key = ByteString.copyFromUtf8(unescape(m.group(2)));
      String op = m.group(3);
      String value = unescape(m.group(4));
      Cmp cmp =
          switch (m.group(1)) {
            case "ver", "version" -> Cmp.version(key);
            case "c", "create" -> Cmp.createRevision(key);
            case "m", "mod" -> Cmp.modRevision(key);
            case "val", "value" -> Cmp.value(key);
            case "lease" -> Cmp.lease(key);
            default ->
                throw new CtlException(CtlException.EXIT_BAD_ARGS, "malformed comparison: " + line);
          };
      boolean bytes = m.group(1).startsWith("val");
      out.add(
          bytes
              ? byValue(cmp, op, ByteString.copyFromUtf8(value))
              : byNumber(cmp, op, value, line));
    }
    return out;
  }

  private static Compare byValue(Cmp cmp, String op, ByteString v) {
    return switch (op) {
      case "=" -> cmp.equal(v);
      case "!=" -> cmp.notEqual(v);
      case "<" -> cmp.less(v);
      default -> cmp.greater(v);
    };
  }

  private static Compare byNumber(Cmp cmp, String op, String value, String line) {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new CtlException(CtlException.EXIT_BAD_ARGS, "invalid number in comparison: " + line);
    }
    return switch (op) {
      case "=" -> cmp.equal(n);
      case "!=" -> cmp.notEqual(n);
      case "<" -> cmp.less(n);
      default -> cmp.greater(n);
    };
  }

  static List<RequestOp> ops(List<String> lines) {
    List<RequestOp> out = new ArrayList<>();
    for (String line : lines) {
      List<String> words = words(line);
      if (words.isEmpty()) {
        continue;
      }
      List<String> args = new ArrayList<>();
      List<String> flags = new ArrayList<>();
      for (String w : words.subList(1, words.size())) {
        (w.startsWith("--") ? flags : args).add(w);
      }
      out.add(
          switch (words.get(0)) {
            case "put" -> put(args, flags, line);
            case "get" -> get(args, flags);
            case "del", "delete" -> del(args, flags);
            default ->
                throw new CtlException(CtlException.EXIT_BAD_ARGS, "invalid txn request: " + line);
          });
    }
    return out;
  }

  private static RequestOp put(List<String> args, List<String> flags, String line) {
    if (args.size() != 2) {
      throw new CtlException(CtlException.EXIT_BAD_ARGS, "invalid txn request: " + line);
    }
    PutOptions.Builder b = PutOptions.builder();
    for (String f : flags) {
      if (f.startsWith("--lease=")) {
        b.lease(StrataCtl.leaseId(f.substring("--lease=".length())));
      } else if (f.equals("--prev-kv")) {
        b.prevKv(true);
      } else if (f.equals("--ignore-value")) {
        b.ignoreValue(true);
      } else if (f.equals("--ignore-lease")) {
        b.ignoreLease(true);
      }
    }
    return Op.put(bs(args.get(0)), bs(args.get(1)), b.build());
  }

  private static RequestOp get(List<String> args, List<String> flags) {
    GetOptions.Builder b = GetOptions.builder();
    if (args.size() > 1) {
      b.rangeEnd(bs(args.get(1)));
    }
    for (String f : flags) {
      switch (f) {
        case "--prefix" -> b.prefix(true);
        case "--from-key" -> b.fromKey(true);
        case "--keys-only" -> b.keysOnly(true);
        case "--count-only" -> b.countOnly(true);
        default -> {
          if (f.startsWith("--limit=")) {
            b.limit(Long.parseLong(f.substring("--limit=".length())));
          } else if (f.startsWith("--rev=")) {
            b.revision(Long.parseLong(f.substring("--rev=".length())));
          }
        }
      }
    }
    return Op.get(bs(args.isEmpty() ? "" : args.get(0)), b.build());
  }

  private static RequestOp del(List<String> args, List<String> flags) {
    DeleteOptions.Builder b = DeleteOptions.builder();
    if (args.size() > 1) {
      b.rangeEnd(bs(args.get(1)));
    }
    for (String f : flags) {
      switch (f) {
        case "--prefix" -> b.prefix(true);
        case "--from-key" -> b.fromKey(true);
        case "--prev-kv" -> b.prevKv(true);
        default -> {}
      }
    }
    return Op.delete(bs(args.isEmpty() ? "" : args.get(0)), b.build());
  }

  /** Splits on spaces, keeping double-quoted words (with backslash escapes) whole. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < line.length()) {
          w.append(line.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        } else {
          w.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (Character.isWhitespace(c)) {
        if (any || w.length() > 0) {
          out.add(w.toString());
          w.setLength(0);
          any = false;
        }
      } else {
        w.append(c);
      }
    }
    if (any || w.length() > 0) {
      out.add(w.toString());
    }
    return out;
  }

  private static String unescape(String s) {
    return s.replace("\\\"", "\"").replace("\\\\", "\\");
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
