package io.socketpair4j.internal.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The selector's array-backed selected-key set against a {@link LinkedHashSet} (the same elements
 * in the same order) under random selections, removals, iterator removals and clears.
 */
class SelectedKeySetTest {
  private static final int KEYS = 40;

  private static EPollSelectionKey[] keys() {
    EPollSelectionKey[] keys = new EPollSelectionKey[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = new EPollSelectionKey(null, null, null, false, SelectionKey.OP_READ);
    }
    return keys;
  }

  /** One operation: what it is, which key, and for an iteration which elements it removes. */
  record Op(int kind, int key, int everyNth) {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op =
        Arbitraries.integers()
            .between(0, 9)
            .flatMap(
                kind ->
                    Arbitraries.integers()
                        .between(0, KEYS - 1)
                        .flatMap(
                            key ->
                                Arbitraries.integers()
                                    .between(1, 4)
                                    .map(nth -> new Op(kind, key, nth))));
    return op.list().ofMinSize(1).ofMaxSize(300);
  }

  @Property(tries = 300)
  void behavesAsAnInsertionOrderedSet(@ForAll("operations") List<Op> ops) {
    EPollSelectionKey[] keys = keys();
    SelectedKeySet set = new SelectedKeySet();
    Set<SelectionKey> oracle = new LinkedHashSet<>();
    for (Op op : ops) {
      EPollSelectionKey k = keys[op.key()];
      switch (op.kind()) {
        case 0, 1, 2, 3 ->
            assertThat(set.select(k)).isEqualTo(oracle.add(k)); // selecting is common
        case 4, 5 -> assertThat(set.remove(k)).isEqualTo(oracle.remove(k));
        case 6 -> {
          set.clear();
          oracle.clear();
        }
        case 7, 8 -> {
          // iterate, removing every nth key through the iterator, as selector loops do
          int i = 0;
          for (Iterator<SelectionKey> it = set.iterator(); it.hasNext(); i++) {
            SelectionKey got = it.next();
            if (i % op.everyNth() == 0) {
              it.remove();
              oracle.remove(got);
            }
          }
        }
        default -> assertThat(set.contains(k)).isEqualTo(oracle.contains(k));
      }
      assertThat(set).hasSize(oracle.size());
      assertThat(set.isEmpty()).isEqualTo(oracle.isEmpty());
      assertThat(new ArrayList<>(set)).containsExactlyElementsOf(oracle);
      for (EPollSelectionKey each : keys) {
        assertThat(set.contains(each)).isEqualTo(oracle.contains(each));
      }
    }
  }

  @Test
  void usersCannotAddAndIteratorsFailFast() {
    EPollSelectionKey[] keys = keys();
    SelectedKeySet set = new SelectedKeySet();
    assertThatThrownBy(() -> set.add(keys[0])).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.addAll(List.of(keys[0])))
        .isInstanceOf(UnsupportedOperationException.class);
    set.select(keys[0]);
    set.select(keys[1]);
    Iterator<SelectionKey> it = set.iterator();
    assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
    it.next();
    set.select(keys[2]); // the selector selects while a user iterates
    assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
    Iterator<SelectionKey> again = set.iterator();
    again.next();
    again.remove();
    assertThatThrownBy(again::remove).isInstanceOf(IllegalStateException.class);
    again.next();
    again.next();
    assertThatThrownBy(again::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void aKeyOfAnotherSetIsNotContained() {
    EPollSelectionKey[] keys = keys();
    SelectedKeySet mine = new SelectedKeySet();
    SelectedKeySet theirs = new SelectedKeySet();
    mine.select(keys[0]);
    theirs.select(keys[1]); // slot 0 of theirs, as keys[0] is of mine
    assertThat(mine.contains(keys[1])).isFalse();
    assertThat(mine.remove(keys[1])).isFalse();
    assertThat(mine).containsExactly(keys[0]);
  }

  @Test
  void slotsAreReusedSoTheArrayStaysAsLargeAsWhatIsSelected() {
    EPollSelectionKey[] keys = keys();
    SelectedKeySet set = new SelectedKeySet();
    set.select(keys[0]); // stays selected throughout
    for (int round = 0; round < 10_000; round++) {
      EPollSelectionKey k = keys[1 + round % (KEYS - 1)];
      set.select(k);
      set.remove(k);
    }
    assertThat(set).containsExactly(keys[0]);
    set.select(keys[1]);
    assertThat(set).containsExactly(keys[0], keys[1]);
  }
}
