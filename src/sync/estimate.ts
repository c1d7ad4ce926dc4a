/**
 * How many requests a sync still needs, from what the walk has learnt so far: the lists it read (their pages, and
 * `pagination.total_count` where Mode announces it, docs/mode-api.md §2.4), the items they listed, and which items'
 * children are not read (an unchanged report, one older than start_date, a run whose query runs were already read). The
 * tree of list streams comes from the sync's plan (plan.ts), so no stream is named here.
 *
 * Per list stream C under parent P: C is read once per item of P whose children are read, so the lists of C still to
 * come are those items minus the lists already opened; each costs the pages of the lists of C read so far on average
 * (one at least), and lists as many items on average, which sizes C's own children in turn. A list of C whose total
 * Mode announced counts its remaining pages exactly. Where no list of a stream has been read yet, its size is unknown:
 * its lists count one page each and nothing below them, and the estimate is a lower bound.
 */

/** One list stream of the walk: its parent in the tree (undefined at the top, read once per sync). */
export interface EstimatedKind {
  readonly name: string;
  readonly parent: string | undefined;
}

/** One list being read: the walk reports each page, then the end (read to its end, or stopped early). */
export interface ListProgress {
  page(items: number, totalCount: number | undefined, totalPages: number | undefined): void;
  close(): void;
}

/** What is left, in requests. */
export interface RemainingRequests {
  readonly requests: number;
  /** Some sizes are not known yet (a stream none of whose lists was read, a list without a total): at least this. */
  readonly lowerBound: boolean;
  /** Per stream, the requests counted (for debugging the estimate). */
  readonly byKind: ReadonlyMap<string, number>;
}

interface KindCounts {
  opened: number;
  /** Lists read to their end (or stopped): their items and pages are final. */
  closed: number;
  closedItems: number;
  closedPages: number;
  /** Open lists (and their sizes as far as known). */
  readonly open: Set<OpenList>;
  /** Items of this stream whose children are read (the walk reported them done). */
  done: number;
  /** Items whose children the walk decided not to read because they had not changed (or predate start_date). */
  unchanged: number;
  /** Items whose children are not read for another reason (runs past the bookmark, query runs already read). */
  notRead: number;
  /** Lists the walk decided not to read for an item whose children are otherwise read (a report with no new run). */
  listsSkipped: number;
}

interface OpenList {
  items: number;
  pages: number;
  /** Items and pages the list will have, when Mode announced its total. */
  totalItems: number | undefined;
  totalPages: number | undefined;
}

export class RequestEstimate {
  private readonly counts = new Map<string, KindCounts>();
  /** Kinds in walk order, parents before children. */
  private readonly order: readonly EstimatedKind[];

  constructor(kinds: readonly EstimatedKind[]) {
    const byName = new Map(kinds.map((k) => [k.name, k]));
    const depth = (k: EstimatedKind, seen = 0): number => {
      const parent = k.parent === undefined ? undefined : byName.get(k.parent);
      return parent === undefined || seen > kinds.length ? 0 : 1 + depth(parent, seen + 1);
    };
    this.order = [...kinds].sort((a, b) => depth(a) - depth(b));
    for (const k of kinds)
      this.counts.set(k.name, {
        opened: 0,
        closed: 0,
        closedItems: 0,
        closedPages: 0,
        open: new Set(),
        done: 0,
        unchanged: 0,
        notRead: 0,
        listsSkipped: 0,
      });
  }

  /** A list of `kind` begins. Lists of streams outside the tree (none today) are not counted. */
  openList(kind: string): ListProgress {
    const counts = this.counts.get(kind);
    if (counts === undefined) return { page: () => undefined, close: () => undefined };
    counts.opened++;
    const list: OpenList = { items: 0, pages: 0, totalItems: undefined, totalPages: undefined };
    counts.open.add(list);
    let closed = false;
    return {
      page(items, totalCount, totalPages) {
        if (list.pages === 0 && totalCount !== undefined) {
          list.totalItems = totalCount;
          // The first page is a full one whenever there are more: its size is the page size.
          list.totalPages = totalPages ?? (items > 0 ? Math.max(1, Math.ceil(totalCount / items)) : 1);
        }
        list.items += items;
        list.pages++;
      },
      close() {
        if (closed) return;
        closed = true;
        counts.open.delete(list);
        counts.closed++;
        counts.closedItems += list.items;
        counts.closedPages += list.pages;
      },
    };
  }

  done(kind: string): void {
    const counts = this.counts.get(kind);
    if (counts) counts.done++;
  }

  unchanged(kind: string): void {
    const counts = this.counts.get(kind);
    if (counts) counts.unchanged++;
  }

  notRead(kind: string, count: number): void {
    const counts = this.counts.get(kind);
    if (counts) counts.notRead += count;
  }

  listSkipped(kind: string): void {
    const counts = this.counts.get(kind);
    if (counts) counts.listsSkipped++;
  }

  /** Requests still needed, from what is known now. */
  remaining(): RemainingRequests {
    let requests = 0;
    let lowerBound = false;
    const byKind = new Map<string, number>();
    /** Per kind: items whose children will be read, in the whole sync (known, or estimated from averages). */
    const expanding = new Map<string, number>();
    for (const kind of this.order) {
      const c = this.counts.get(kind.name);
      if (c === undefined) continue;
      const before = requests;
      const lists = kind.parent === undefined ? 1 : (expanding.get(kind.parent) ?? 0);
      // Lists whose size is settled: read to their end, or open with an announced total.
      let settledLists = c.closed;
      let settledItems = c.closedItems;
      let settledPages = c.closedPages;
      let openItems = 0;
      for (const list of c.open) {
        if (list.totalItems !== undefined && list.totalPages !== undefined) {
          settledLists++;
          settledItems += list.totalItems;
          settledPages += list.totalPages;
          requests += Math.max(0, list.totalPages - list.pages);
          openItems += Math.max(list.items, list.totalItems);
        } else {
          // More pages may come: how many is not known.
          lowerBound = true;
          openItems += list.items;
        }
      }
      // Parents not reached yet skip this list as often as those reached did (a report with no new run).
      const decided = c.opened + c.listsSkipped;
      const readShare = decided > 0 ? c.opened / decided : 1;
      const unopened = Math.max(0, lists - decided) * readShare;
      const listed = c.closedItems + openItems;
      let extrapolated = 0;
      if (unopened > 0) {
        if (settledLists > 0) {
          requests += unopened * Math.max(1, settledPages / settledLists);
          extrapolated = unopened * (settledItems / settledLists);
        } else {
          requests += unopened;
          lowerBound = true;
        }
      }
      // Items whose children are not read: those the walk reported, and a like share of those it has not reached yet.
      const judged = c.done + c.unchanged;
      const skipShare = judged > 0 ? c.unchanged / judged : 0;
      const notReadShare = listed > 0 ? Math.min(1, c.notRead / listed) : 0;
      const ahead = Math.max(0, listed - judged - c.notRead) + extrapolated * (1 - notReadShare);
      expanding.set(kind.name, c.done + ahead * (1 - skipShare));
      byKind.set(kind.name, Math.round(requests - before));
    }
    return { requests: Math.round(requests), lowerBound, byKind };
  }
}
