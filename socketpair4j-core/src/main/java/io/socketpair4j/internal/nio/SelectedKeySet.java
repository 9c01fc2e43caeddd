package io.socketpair4j.internal.nio;

import java.nio.channels.SelectionKey;
import java.util.AbstractSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A selector's selected-key set: the keys in the order they were selected, in an array, each key
 * knowing its own slot ({@link EPollSelectionKey#selectedSlot}). Selecting, looking up and removing
 * a key are a few array accesses, with no allocation; iterating and clearing cost what is selected,
 * not the largest the set has ever been. A {@code HashSet} costs a node per key selected, a hash
 * lookup in a table as large as the most keys ever selected at once, and an iteration and a clear
 * that walk that whole table on every round (Netty replaces the JDK's with an array for the same
 * reason).
 *
 * <p>As the {@link java.nio.channels.Selector#selectedKeys()} contract wants, users may remove keys
 * (by {@link #remove}, {@link #clear} or an iterator's {@code remove}) but not add them: {@link
 * #add} throws {@link UnsupportedOperationException}; only the selector adds ({@link #select}).
 * Iterators fail fast when the set changes other than through them. Removing leaves an empty slot
 * that later iterations skip; the slots are packed again when the array would otherwise grow, and
 * start over whenever the set becomes empty. Not thread-safe: the selector uses it under its lock,
 * and users, as with the JDK's selectors, synchronize on it themselves.
 */
final class SelectedKeySet extends AbstractSet<SelectionKey> {
  private EPollSelectionKey[] slots = new EPollSelectionKey[16];
  private int end; // slots in use, removed ones included
  private int size;
  private int modCount;

  /**
   * Adds {@code key} if it is not selected yet; returns false when it already was. Only the
   * selector calls this.
   */
  boolean select(EPollSelectionKey key) {
    if (contains(key)) {
      return false;
    }
    if (end == slots.length) {
      if (size <= end / 2) {
        pack();
      } else {
        EPollSelectionKey[] larger = new EPollSelectionKey[slots.length * 2];
        System.arraycopy(slots, 0, larger, 0, end);
        slots = larger;
      }
    }
    slots[end] = key;
    key.selectedSlot = end;
    end++;
    size++;
    modCount++;
    return true;
  }

  /** Moves the keys to the first {@code size} slots, in their order. */
  private void pack() {
    int to = 0;
    for (int from = 0; from < end; from++) {
      EPollSelectionKey k = slots[from];
      if (k != null) {
        slots[from] = null;
        slots[to] = k;
        k.selectedSlot = to;
        to++;
      }
    }
    end = to;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public boolean contains(Object o) {
    // a key of another selector may have a slot in that selector's set: its slot here must be it
    return o instanceof EPollSelectionKey k
        && k.selectedSlot >= 0
        && k.selectedSlot < end
        && slots[k.selectedSlot] == k;
  }

  @Override
  public boolean remove(Object o) {
    if (!contains(o)) {
      return false;
    }
    removeAt(((EPollSelectionKey) o).selectedSlot);
    modCount++;
    return true;
  }

  private void removeAt(int slot) {
    slots[slot].selectedSlot = -1;
    slots[slot] = null;
    size--;
    if (size == 0) {
      end = 0; // every slot is empty: start over
    }
  }

  @Override
  public void clear() {
    for (int i = 0; i < end; i++) {
      EPollSelectionKey k = slots[i];
      if (k != null) {
        k.selectedSlot = -1;
        slots[i] = null;
      }
    }
    end = 0;
    size = 0;
    modCount++;
  }

  /** Refused: a selected-key set cannot grow, as {@code Selector.selectedKeys()} specifies. */
  @Override
  public boolean add(SelectionKey key) {
    throw new UnsupportedOperationException("the selected-key set cannot grow");
  }

  @Override
  public Iterator<SelectionKey> iterator() {
    return new Iterator<>() {
      private int next = skipEmpty(0); // the slot of the next key, or end
      private int last = -1; // the slot of the key next() returned last, until it is removed
      private int expected = modCount;

      private int skipEmpty(int from) {
        while (from < end && slots[from] == null) {
          from++;
        }
        return from;
      }

      @Override
      public boolean hasNext() {
        return next < end;
      }

      @Override
      public SelectionKey next() {
        if (modCount != expected) {
          throw new ConcurrentModificationException();
        }
        if (next >= end) {
          throw new NoSuchElementException();
        }
        last = next;
        next = skipEmpty(next + 1);
        return slots[last];
      }

      @Override
      public void remove() {
        if (last < 0) {
          throw new IllegalStateException();
        }
        if (modCount != expected) {
          throw new ConcurrentModificationException();
        }
        removeAt(last); // when that empties the set, end becomes 0 and hasNext() false
        last = -1;
        expected = ++modCount;
      }
    };
  }
}
