"""Who inspects whom: villages shared among teams so that no team inspects its own township and every team gets
the same number of villages, give or take one.

Hall's condition for this graph (every team may take every village but those of its own township) reduces to
one inequality per township: its villages must fit in the other teams' places. Giving the spare places to the
teams whose townships have the fewest villages is the best choice for that inequality, and a max-flow over
townships → teams finds the counts; which village goes where follows a seeded shuffle.
"""
import random
from collections import defaultdict, deque


class Unbalanceable(ValueError):
    """No assignment keeps every team off its own township with balanced loads."""


def _quotas(teams: list, supply: dict, total: int, rng: random.Random) -> dict:
    base, extra = divmod(total, len(teams))
    tie = {team: rng.random() for team, _ in teams}
    order = sorted(teams, key=lambda t: (supply.get(t[1], 0), tie[t[0]]))
    return {team: base + (1 if i < extra else 0) for i, (team, _) in enumerate(order)}


def _max_flow(supply: dict, quotas: dict, home: dict) -> dict:
    """flow[(township, team)] moving each township's villages to teams of other townships, as much as fits."""
    flow: dict = defaultdict(int)
    left_supply = dict(supply)
    left_quota = dict(quotas)
    townships, teams = list(supply), list(quotas)

    def residual_path():
        # BFS from townships with supply left to teams with quota left; back edges undo earlier flow.
        parent = {("s", k): None for k in townships if left_supply[k] > 0}
        queue = deque(parent)
        while queue:
            node = queue.popleft()
            side, key = node
            if side == "s":
                for team in teams:
                    nxt = ("t", team)
                    if home[team] != key and nxt not in parent:
                        parent[nxt] = node
                        if left_quota[team] > 0:
                            return nxt, parent
                        queue.append(nxt)
            else:
                for township in townships:
                    nxt = ("s", township)
                    if flow[(township, key)] > 0 and nxt not in parent:
                        parent[nxt] = node
                        queue.append(nxt)
        return None, parent

    while True:
        end, parent = residual_path()
        if end is None:
            return flow
        path = [end]
        while parent[path[-1]] is not None:
            path.append(parent[path[-1]])
        path.reverse()  # township, team, township, team, ... team
        amount = min(left_supply[path[0][1]], left_quota[path[-1][1]])
        for a, b in zip(path, path[1:], strict=False):
            if a[0] == "t":  # a back edge undoes flow; forward edges are unbounded
                amount = min(amount, flow[(b[1], a[1])])
        for a, b in zip(path, path[1:], strict=False):
            if a[0] == "s":
                flow[(a[1], b[1])] += amount
            else:
                flow[(b[1], a[1])] -= amount
        left_supply[path[0][1]] -= amount
        left_quota[path[-1][1]] -= amount


def balanced_assignment(villages: list, teams: list, seed) -> dict:
    """``villages``: [(village, township)], ``teams``: [(team, home township)] → {village: team}.

    The same input and seed give the same answer. Raises ``Unbalanceable`` when a township has more villages
    than the other teams can take at balanced loads.
    """
    if not villages:
        return {}
    if not teams:
        raise Unbalanceable("no teams")
    rng = random.Random(str(seed))
    by_township: dict = defaultdict(list)
    for village, township in sorted(villages, key=lambda v: str(v[0])):
        by_township[township].append(village)
    for township in sorted(by_township, key=str):
        rng.shuffle(by_township[township])
    supply = {township: len(vs) for township, vs in by_township.items()}
    quotas = _quotas(teams, supply, len(villages), rng)
    home = dict(teams)
    flow = _max_flow(supply, quotas, home)
    if sum(flow.values()) < len(villages):
        raise Unbalanceable("a township has more villages than the other teams can take")
    result = {}
    for township in sorted(by_township, key=str):
        queue = iter(by_township[township])
        for team, _ in teams:
            for _ in range(flow.get((township, team), 0)):
                result[next(queue)] = team
    return result
