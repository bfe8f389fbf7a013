"""Where every box and arrow of a message sequence chart goes, in points (y grows down).

    layout = lay_out(ranks, links)   # ranks: rows of cells, column 0 the step gutter

Graphviz's `dot` placed the cells well but drew each message as one straight line from its
send to its receive, through every box between them. Here the grid is computed directly and
Graphviz only draws it (`neato -n2`, every position given). Each message takes the first of
three paths that crosses no box but its own two ends:

1. straight, from the sender's box down to the receiver's;
2. for the next row: straight down out of the sender's row, then across the gap to the
   receiver (a shorter box beside a tall one would otherwise be cut);
3. otherwise around: down into the gap below the send, along a channel (the space between
   two columns, where no box ever is) to the gap above the receive, then in. Messages
   sharing a channel over the same rows get tracks of their own, and the channel widens.

Widening a channel moves the columns, which can block a straight line that was clear, so
the layout is repeated until no further message needs a channel (each round only adds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Point = tuple[float, float]

COLUMN_GAP = 26.0  # between two columns: room for a channel's first track
ROW_GAP = 22.0  # between two rows: room for the messages that cross it
TRACK = 9.0  # between two messages that share a channel
CLEARANCE = 2.0  # how close a message may pass a box
SPREAD = 12.0  # between the ends of messages leaving (or entering) the same box


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def grown(self, by: float) -> Rect:
        return Rect(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)


@dataclass(frozen=True)
class Cell:
    """A box of the grid, sized by Graphviz. An obstacle is a box arrows must go around (a
    point on a lifeline is not); the step gutter's text is right-aligned."""

    name: str
    width: float
    height: float
    obstacle: bool = True
    right: bool = False


@dataclass(frozen=True)
class Link:
    """A message from the cell at (rank, column) `src` to the one at `dst`, below it."""

    name: str
    src: tuple[int, int]
    dst: tuple[int, int]


@dataclass(frozen=True)
class Layout:
    boxes: dict[str, Rect]
    paths: dict[str, tuple[Point, ...]]
    columns: tuple[tuple[float, float], ...]  # (left, right) of each column
    ranks: tuple[tuple[float, float], ...]  # (top, bottom) of each rank
    width: float
    height: float


Ranks = Sequence[Sequence[Cell | None]]


def lay_out(ranks: Ranks, links: Sequence[Link]) -> Layout:
    around: set[str] = set()
    while True:
        tracks = _tracks(links, around, len(ranks[0]) if ranks else 0)
        grid = _Grid(ranks, tracks)
        grid.spread(links)
        paths: dict[str, tuple[Point, ...]] = {}
        blocked = set()
        for link in links:
            path = grid.around(link) if link.name in around else grid.direct(link)
            if path is None:
                blocked.add(link.name)
            else:
                paths[link.name] = path
        if not blocked:
            return grid.layout(paths)
        around |= blocked


# ---------------------------------------------------------------- channels


@dataclass(frozen=True)
class _Track:
    channel: int  # the gap right of this column
    index: int  # 0 nearest the column on the left


@dataclass(frozen=True)
class _Tracks:
    of: dict[str, _Track]
    count: dict[int, int]  # tracks per channel


def _tracks(links: Sequence[Link], around: set[str], columns: int) -> _Tracks:
    """A channel and a track in it for each message that goes around: of the channels
    between its two columns (beside them, for a message to its own column) the least busy
    over its rows, nearest the receiver; then the first track free over those rows."""
    used: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # channel: (from, to, track)
    of: dict[str, _Track] = {}
    for link in sorted((k for k in links if k.name in around), key=lambda k: (k.src, k.name)):
        rows = (link.src[0], link.dst[0] - 1)  # the gaps it runs through, below those ranks
        candidates = _channels(link.src[1], link.dst[1], columns)

        def busy(channel: int, rows: tuple[int, int] = rows) -> int:
            return sum(1 for a, b, _ in used[channel] if a <= rows[1] and rows[0] <= b)

        channel = min(candidates, key=lambda c: (busy(c), abs(c + 0.5 - link.dst[1])))
        taken = {t for a, b, t in used[channel] if a <= rows[1] and rows[0] <= b}
        index = next(t for t in range(len(taken) + 1) if t not in taken)
        used[channel].append((*rows, index))
        of[link.name] = _Track(channel, index)
    count = {c: 1 + max(t for _, _, t in spans) for c, spans in used.items() if spans}
    return _Tracks(of, count)


def _channels(src: int, dst: int, columns: int) -> list[int]:
    """The gaps a message from column `src` to column `dst` may run down (gap c lies right of
    column c; column 0 is the step gutter, so gap 0 is left of the first lane)."""
    if src == dst:
        return [src] if src + 1 >= columns else [src, src - 1]
    low, high = sorted((src, dst))
    return list(range(low, high))


# ---------------------------------------------------------------- the grid


class _Grid:
    def __init__(self, ranks: Ranks, tracks: _Tracks) -> None:
        self.ranks, self.tracks = ranks, tracks
        columns = max((len(rank) for rank in ranks), default=0)
        widths = [max((c.width for r in ranks if i < len(r) and (c := r[i])), default=0.0)
                  for i in range(columns)]  # fmt: skip
        self.columns: list[tuple[float, float]] = []
        x = 0.0
        for column, width in enumerate(widths):
            self.columns.append((x, x + width))
            x += width + self._gap(column)
        self.width = x
        self.rows: list[tuple[float, float]] = []
        y = 0.0
        for rank in ranks:
            height = max((c.height for c in rank if c is not None), default=0.0)
            self.rows.append((y, y + height))
            y += height + ROW_GAP
        self.height = y - ROW_GAP if ranks else 0.0
        self.boxes = {c.name: self._place(r, i, c) for r, rank in enumerate(ranks)
                      for i, c in enumerate(rank) if c is not None}  # fmt: skip
        self.obstacles = [(c.name, self.boxes[c.name].grown(CLEARANCE)) for rank in ranks
                          for c in rank if c is not None and c.obstacle]  # fmt: skip
        self.ends: dict[tuple[str, str], float] = {}

    def _gap(self, column: int) -> float:
        return COLUMN_GAP + TRACK * (self.tracks.count.get(column, 1) - 1)

    def _place(self, rank: int, column: int, cell: Cell) -> Rect:
        left, right = self.columns[column]
        top = self.rows[rank][0]
        x0 = right - cell.width if cell.right else (left + right - cell.width) / 2
        return Rect(x0, top, x0 + cell.width, top + cell.height)

    def cell(self, at: tuple[int, int]) -> Cell:
        found = self.ranks[at[0]][at[1]]
        assert found is not None, f"no cell at {at}"
        return found

    # ------------------------------------------------------------ paths

    def direct(self, link: Link) -> tuple[Point, ...] | None:
        start, end = self._start(link), self._end(link)
        tries: list[tuple[Point, ...]] = [(start, end)]
        if link.dst[0] == link.src[0] + 1:
            tries.append((start, (start[0], self.rows[link.src[0]][1]), end))
        ends = {self.cell(link.src).name, self.cell(link.dst).name}
        return next((p for p in tries if self.clear(p, ends)), None)

    def around(self, link: Link) -> tuple[Point, ...]:
        track = self.tracks.of[link.name]
        left = self.columns[track.channel][1]
        x = left + COLUMN_GAP / 2 + TRACK * track.index
        start, end = self._start(link), self._end(link)
        below = self._gap_middle(link.src[0])
        above = self._gap_middle(link.dst[0] - 1)
        out = (start[0], self.rows[link.src[0]][1])
        return (start, out, (x, below), (x, above), end)

    def _gap_middle(self, rank: int) -> float:
        return self.rows[rank][1] + ROW_GAP / 2

    def clear(self, path: Sequence[Point], ends: set[str]) -> bool:
        return not any(
            crosses(a, b, box)
            for a, b in zip(path, path[1:], strict=False)
            for name, box in self.obstacles
            if name not in ends
        )

    def _start(self, link: Link) -> Point:
        box = self.boxes[self.cell(link.src).name]
        return (box.cx + self.ends.get((link.name, "start"), 0.0), box.y1)

    def _end(self, link: Link) -> Point:
        box = self.boxes[self.cell(link.dst).name]
        return (box.cx + self.ends.get((link.name, "end"), 0.0), box.y0)

    def spread(self, links: Sequence[Link]) -> None:
        """Messages leaving (entering) one box leave (enter) it side by side, ordered by where
        they go (come from), so they fan out without crossing at the box."""
        for side, here, there in (("start", "src", "dst"), ("end", "dst", "src")):
            groups: dict[tuple[int, int], list[Link]] = defaultdict(list)
            for link in links:
                groups[getattr(link, here)].append(link)
            for at, group in groups.items():
                group.sort(key=lambda k: (getattr(k, there)[1], getattr(k, there)[0], k.name))
                width = self.boxes[self.cell(at).name].x1 - self.boxes[self.cell(at).name].x0
                step = min(SPREAD, max(width - 8, 0) / max(len(group) - 1, 1))
                for i, link in enumerate(group):
                    self.ends[(link.name, side)] = (i - (len(group) - 1) / 2) * step

    def layout(self, paths: dict[str, tuple[Point, ...]]) -> Layout:
        return Layout(self.boxes, paths, tuple(self.columns), tuple(self.rows),
                      self.width, self.height)  # fmt: skip


# ---------------------------------------------------------------- geometry


def crosses(a: Point, b: Point, box: Rect) -> bool:
    """Whether the segment a–b passes through the inside of `box` (touching its edge is not
    crossing). Liang–Barsky clipping: the part of the segment inside the box has length > 0."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box.x0), (dx, box.x1 - x0), (-dy, y0 - box.y0), (dy, box.y1 - y0)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return False
    return high - low > 1e-9


def polyline_crosses(points: Iterable[Point], box: Rect) -> bool:
    pts = list(points)
    return any(crosses(a, b, box) for a, b in zip(pts, pts[1:], strict=False))
