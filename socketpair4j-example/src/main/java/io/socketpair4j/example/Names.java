package io.socketpair4j.example;

import java.util.List;

/**
 * The clients' names: Alpha, Bravo and Charlie as in the seed sample, then on through the NATO
 * alphabet to Zulu, then again from Alpha with a numeric suffix (Alpha2 ... Zulu2, Alpha3 ...).
 */
final class Names {
  private Names() {}

  static final List<String> NATO =
      List.of(
          "Alpha",
          "Bravo",
          "Charlie",
          "Delta",
          "Echo",
          "Foxtrot",
          "Golf",
          "Hotel",
          "India",
          "Juliett",
          "Kilo",
          "Lima",
          "Mike",
          "November",
          "Oscar",
          "Papa",
          "Quebec",
          "Romeo",
          "Sierra",
          "Tango",
          "Uniform",
          "Victor",
          "Whiskey",
          "Xray",
          "Yankee",
          "Zulu");

  /** The name of client {@code index} (0-based). */
  static String of(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("negative client index: " + index);
    }
    String base = NATO.get(index % NATO.size());
    int round = index / NATO.size();
    return round == 0 ? base : base + (round + 1);
  }
}
