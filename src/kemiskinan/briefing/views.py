"""The numbers of the briefing: per section, the rows and values it shows, as pandas tables and numbers.

Every section function takes the dict of indicator tables of one briefing (`data.load_for_briefing`)
and a Kemendagri wilayah code (`64.74` kota, `64.74.01` kecamatan, `64.74.01.1003` kelurahan), and
returns a `View`: named DataFrames, dicts and numbers, unformatted (no text, no HTML). `sections`
turns a view into HTML; the notebook shows both steps. A value the table lacks stays None/NaN here
and becomes "–" in `sections`, never 0.

Aggregates only (docs/domain.md §7): nothing here reads a person-level table.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Iterable, Mapping

import pandas as pd

from kemiskinan.briefing import fmt
from kemiskinan.domain import wilayah
from kemiskinan.errors import CheckError
from kemiskinan.indicators.banding import target_definition

KOTA = wilayah.KOTA_CODE
DESIL = ["1", "2", "3", "4"]


class View(SimpleNamespace):
    """One section's numbers: attributes named after what they hold (`view.program`, `view.kota`)."""


# ----------------------------------------------------------------------------------------------------
# table access
# ----------------------------------------------------------------------------------------------------

def tbl(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """Table `name`, or an empty frame when the briefing has none."""
    df = tables.get(name)
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def rows(df: pd.DataFrame, kode: str | Iterable[str]) -> pd.DataFrame:
    """The rows of `df` for one wilayah code or several."""
    if df.empty or "kode_wilayah" not in df:
        return df.iloc[0:0]
    codes = [kode] if isinstance(kode, str) else list(kode)
    return df[df["kode_wilayah"].astype(str).isin(codes)]


def row(df: pd.DataFrame, kode: str) -> dict[str, Any]:
    """The first row of `df` for `kode` as a dict, {} when there is none."""
    r = rows(df, kode)
    return r.iloc[0].to_dict() if len(r) else {}


def tingkat(kode: str) -> str:
    """kota, kecamatan, kelurahan or rt (rukun tetangga: a code below a kelurahan)."""
    try:
        return wilayah.get(kode).tingkat
    except KeyError:
        return "rt" if kode.count(".") >= 4 else "kelurahan"


def kelurahan_in(kode: str) -> list[str]:
    """Kelurahan codes inside a wilayah (the kelurahan itself for a kelurahan)."""
    tk = tingkat(kode)
    if tk == "kota":
        return [w.kode for w in wilayah.kelurahan()]
    if tk == "kecamatan":
        return [w.kode for w in wilayah.kelurahan(kode)]
    return [kode]


def peers(kode: str) -> list[str]:
    """The kelurahan a chart compares against: all of the kecamatan (for a kelurahan) or of the scope."""
    if tingkat(kode) == "kelurahan":
        return [w.kode for w in wilayah.kelurahan(wilayah.get(kode).induk)]
    return kelurahan_in(kode)


def names(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Code → display name: the reference names, overridden by names the indicator tables carry."""
    out = dict(wilayah.names())
    for tname in ("ringkasan", "prioritas"):
        df = tbl(tables, tname)
        if not df.empty and {"kode_wilayah", "nama"} <= set(df.columns):
            for k, n in zip(df["kode_wilayah"].astype(str), df["nama"]):
                if not fmt.is_na(n) and str(n).strip():
                    out[k] = str(n)
    return out


def target_rows(tables: Mapping[str, pd.DataFrame], kode: str, df: pd.DataFrame, col: str = "target") -> pd.DataFrame:
    """Rows of `df` for the briefing's main target group: `kode`'s `target` in `ringkasan` (e.g. `D1-D4`).

    The indicator tables also carry extra targets (`D1`, `D1-D2`) and, in `tumpang_tindih`, extra
    groups; summing over them would count a household two or three times. Step 02 writes the target on
    every `ringkasan` row, so a wilayah without one is an error, not a guess; a table without rows for
    the target gives no rows.
    """
    if df.empty or col not in df:
        return df
    main = row(tbl(tables, "ringkasan"), kode).get("target")
    if fmt.is_na(main) or not main:
        raise CheckError(f"ringkasan: tidak ada target untuk wilayah {kode}; briefing tidak bisa memilih "
                         f"baris {col} yang benar")
    return df[df[col].astype(str) == str(main)]


def num(v: Any) -> float | None:
    """`v` as a float, None when missing or not a number."""
    if fmt.is_na(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def is_true(v: Any) -> bool:
    return not fmt.is_na(v) and bool(v)


def target_desil(tables: Mapping[str, pd.DataFrame]) -> list[int]:
    """The round's target desil from `ringkasan.target` (`D1-D5` → [1..5], `D1+D3` → [1, 3]); desil 1–4 when
    the table has no rows. Step 02 writes one target label per round, so more than one is an error."""
    ring = tbl(tables, "ringkasan")
    labels = ring["target"].dropna().astype(str).unique().tolist() if "target" in ring else []
    if not labels:
        return [1, 2, 3, 4]
    if len(labels) > 1:
        raise CheckError(f"ringkasan: lebih dari satu target ({', '.join(labels)}); briefing tidak bisa memilih")
    return target_definition(labels[0])


def batas_lapor(tables: Mapping[str, pd.DataFrame], kode: str) -> Any:
    """The MPM reporting deadline from the `mpm` table (`batas_lapor`: this wilayah's, else the first
    one given); None when the table names none."""
    b = row(tbl(tables, "mpm"), kode).get("batas_lapor")
    if fmt.is_na(b) or b is None:
        mpm = tbl(tables, "mpm")
        if "batas_lapor" in mpm and mpm["batas_lapor"].notna().any():
            b = mpm["batas_lapor"].dropna().iloc[0]
    return b if not fmt.is_na(b) and b is not None else None


def verified(r: Mapping[str, Any]) -> float | None:
    """MPM registrations with a verification result (hasil 1–5 summed); None when none is known."""
    hs = [num(r.get(f"hasil_{i}")) for i in range(1, 6)]
    return sum(h for h in hs if h is not None) if any(h is not None for h in hs) else None


def positive_pairs(codes: Iterable, values: Iterable) -> list[tuple[str, float]]:
    """(code, value) for the positive values, largest first, then by code."""
    pairs = [(str(c), float(v)) for c, v in zip(codes, values) if not fmt.is_na(v) and v > 0]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


# ----------------------------------------------------------------------------------------------------
# page 1
# ----------------------------------------------------------------------------------------------------

def headline(tables: Mapping[str, pd.DataFrame], kode: str) -> View:
    """The four headline numbers of `kode` (`wilayah`) and of the city (`kota`): `ringkasan` rows as dicts
    ({} when absent); `cakupan_kelurahan`: KKS coverage of every kelurahan (code → 0–1 or None) for the map;
    `target_desil`: the round's target desil."""
    ring = tbl(tables, "ringkasan")
    kel = rows(ring, [w.kode for w in wilayah.kelurahan()])
    cakupan = ({k: num(v) for k, v in zip(kel["kode_wilayah"].astype(str), kel["cakupan_kks"])}
               if "cakupan_kks" in kel else None)
    return View(wilayah=row(ring, kode), kota=row(ring, KOTA), cakupan_kelurahan=cakupan,
                target_desil=target_desil(tables))


def mpm_status(tables: Mapping[str, pd.DataFrame], kode: str) -> View:
    """Page 1's MPM line: this wilayah's `mpm` row ({} when absent), registrations verified, the kelurahan
    in scope that have not reported (`belum_melapor`, codes), and how many have reported of how many."""
    mpm = tbl(tables, "mpm")
    r = row(mpm, kode)
    scope = kelurahan_in(kode)
    kel = rows(mpm, scope)
    silent = [str(c) for c, m in zip(kel.get("kode_wilayah", []), kel.get("melapor", [])) if not is_true(m)]
    n_mel, n_tot = r.get("kelurahan_melapor"), r.get("kelurahan_jumlah")
    if fmt.is_na(n_mel) or n_mel is None:
        n_mel = len(kel) - len(silent)
    if fmt.is_na(n_tot) or n_tot is None:
        n_tot = len(scope)
    return View(mpm=r, diverifikasi=verified(r) if r else None, belum_melapor=silent, kelurahan_melapor=n_mel,
                kelurahan_jumlah=n_tot, batas_lapor=batas_lapor(tables, kode))


# ----------------------------------------------------------------------------------------------------
# annex sections
# ----------------------------------------------------------------------------------------------------

def cakupan(tables: Mapping[str, pd.DataFrame], kode: str) -> View:
    """Programme coverage of the main target group: `program` (this wilayah's `cakupan` rows, one per
    programme) with `cakupan_kota` (the city's coverage of the same programme); `program_kota` (the city's
    rows; `ada_kota`: whether they give a coverage); `kebocoran` (recipients by desil); `tumpang_tindih` (this wilayah's programme combinations) and
    `tanpa_program` (households of the target with no programme, per kelurahan in scope, largest first)."""
    cak = tbl(tables, "cakupan")
    w, k = target_rows(tables, kode, rows(cak, kode)), target_rows(tables, KOTA, rows(cak, KOTA))
    kk = k.drop_duplicates("program").set_index("program") if not k.empty else pd.DataFrame()
    ada_kota = not kk.empty and "cakupan" in kk
    if not w.empty:
        w = w.drop_duplicates("program")
        w = w.assign(cakupan_kota=[kk["cakupan"].get(p) if ada_kota else None for p in w["program"]])
    tt = target_rows(tables, kode, tbl(tables, "tumpang_tindih"), col="kelompok")
    tanpa = pd.Series(dtype=float, name="n_rumah_tangga")
    if not tt.empty and "jumlah_program" in tt:
        scope = kelurahan_in(kode) if tingkat(kode) != "kelurahan" else []
        none = rows(tt, scope)
        none = none[pd.to_numeric(none["jumlah_program"], errors="coerce") == 0]
        if not none.empty:
            tanpa = none.groupby(none["kode_wilayah"].astype(str))["n_rumah_tangga"].sum() \
                .sort_values(ascending=False, kind="mergesort")
    return View(program=w, program_kota=k, ada_kota=ada_kota, kebocoran=rows(tbl(tables, "kebocoran"), kode),
                tumpang_tindih=rows(tt, kode), tanpa_program=tanpa)


def prioritas(tables: Mapping[str, pd.DataFrame], kode: str) -> View:
    """The priority quadrant: `semua` (every kelurahan, the chart), `sorot` (the codes highlighted: the
    kelurahan in scope below the kota), `peringkat` (the kelurahan in scope, or all for the kota, ranked:
    the table's city-wide `peringkat` when every row has one, else by priority then % desil 1–2, with
    the rank in `_r`) and `sendiri` (this kelurahan's row, {} otherwise)."""
    pri = tbl(tables, "prioritas")
    scope = kelurahan_in(kode)
    if pri.empty:
        return View(semua=pri, sorot=[], peringkat=pri, sendiri={})
    mine = rows(pri, scope if kode != KOTA else pri["kode_wilayah"].astype(str)).copy()
    mine["_p"] = pd.to_numeric(mine["prioritas"], errors="coerce")
    mine["_x"] = pd.to_numeric(mine["x_persen_d1_d2"], errors="coerce")
    mine = mine.sort_values(["_p", "_x"], ascending=[True, False], kind="mergesort")
    if "peringkat" in mine and mine["peringkat"].notna().all():
        mine = mine.assign(_r=pd.to_numeric(mine["peringkat"], errors="coerce")).sort_values("_r", kind="mergesort")
    else:
        mine = mine.assign(_r=range(1, len(mine) + 1))
    return View(semua=pri, sorot=scope if kode != KOTA else [], peringkat=mine,
                sendiri=row(pri, kode) if tingkat(kode) == "kelurahan" else {})


def sebaran_wide(df: pd.DataFrame, satuan: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Value and suppression pivots (kode × kelompok_desil) of `sebaran` for one unit; a suppressed
    cell has no value (NaN) and True in the second pivot."""
    d = df[df["satuan"] == satuan].copy() if "satuan" in df else df.copy()
    if d.empty:
        return pd.DataFrame(), pd.DataFrame()
    d["kelompok_desil"] = d["kelompok_desil"].astype(str)
    sup = d["ditekan"].fillna(False).astype(bool) if "ditekan" in d else pd.Series(False, index=d.index)
    d["v"] = pd.to_numeric(d["jumlah"], errors="coerce").where(~sup)
    d["s"] = sup
    v = d.pivot_table(index="kode_wilayah", columns="kelompok_desil", values="v", aggfunc="sum", min_count=1, dropna=False)
    s = d.pivot_table(index="kode_wilayah", columns="kelompok_desil", values="s", aggfunc="any").fillna(False)
    return v, s


def rt_label(code: str, kode_kelurahan: str) -> str:
    """`RT 003` for the rukun tetangga code `…1003.003` of kelurahan `…1003`."""
    rest = code[len(kode_kelurahan):].lstrip(".-/ ")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return f"RT {digits.zfill(3)}" if digits else code


def sebaran(tables: Mapping[str, pd.DataFrame], kode: str, *, satuan: str = "keluarga", max_rt: int = 15) -> View:
    """Where the target households are. `sendiri`: unit → (values, suppressed) pivots of this wilayah's
    desil counts (ruta, keluarga, jiwa: the units the table has); `anak`: the same for the sub-areas in
    `satuan` (kota → kecamatan, kecamatan → kelurahan, kelurahan → rukun tetangga, `anak_tingkat`) in the
    order shown (`anak_urut`); `grafik`: the `sebaran` rows the desil chart draws with their display names
    (`grafik_nama`); `persen_penduduk_bdt`: code → share of the population in the BDT per kelurahan."""
    nm = names(tables)
    seb = tbl(tables, "sebaran")
    own = rows(seb, kode)
    units = [u for u in ("rumah_tangga", "keluarga", "jiwa") if "satuan" in own and (own["satuan"] == u).any()]
    tk = tingkat(kode)
    if tk == "kota":
        sub_codes, anak_tingkat = [w.kode for w in wilayah.kecamatan()], "kecamatan"
    elif tk == "kecamatan":
        sub_codes, anak_tingkat = [w.kode for w in wilayah.kelurahan(kode)], "kelurahan"
    else:
        rt = seb[(seb.get("tingkat", pd.Series(dtype=str)) == "rt")] if not seb.empty else seb
        rt = rt[rt["kode_wilayah"].astype(str).str.startswith(kode)] if not rt.empty else rt
        sub_codes, anak_tingkat = sorted(rt["kode_wilayah"].astype(str).unique()) if not rt.empty else [], "rt"
    sub = rows(seb, sub_codes)
    anak = sebaran_wide(sub, satuan) if not sub.empty else (pd.DataFrame(), pd.DataFrame())
    v = anak[0]
    urut: list[str] = []
    if not v.empty:
        totals = v["1-4"] if "1-4" in v.columns else v.reindex(columns=DESIL).sum(axis=1, min_count=1)
        if tk != "kelurahan":
            urut = [c for c in sub_codes if c in v.index]
        else:
            urut = list(totals.fillna(-1).sort_values(ascending=False, kind="mergesort").index)[:max_rt]
    if tk == "kelurahan" and sub_codes:
        rt_totals = sebaran_wide(rows(seb, sub_codes), satuan)[0].reindex(columns=DESIL).sum(axis=1, min_count=1)
        top_rt = list(rt_totals.fillna(-1).sort_values(ascending=False, kind="mergesort").index[:max_rt])
        grafik, grafik_nama, grafik_tingkat, sorot = rows(seb, top_rt), {c: rt_label(c, kode) for c in top_rt}, "rt", None
    else:
        grafik, grafik_nama, grafik_tingkat = rows(seb, peers(kode)), nm, "kelurahan"
        sorot = kode if tk == "kelurahan" else None
    kel = rows(tbl(tables, "ringkasan"), [w.kode for w in wilayah.kelurahan()])
    persen = ({k: num(x) for k, x in zip(kel["kode_wilayah"].astype(str), kel["persen_penduduk_bdt"])}
              if len(kel) > 1 and "persen_penduduk_bdt" in kel else None)  # one lone value is not a map
    return View(ringkasan=row(tbl(tables, "ringkasan"), kode), ada_sendiri=not own.empty,
                sendiri={u: sebaran_wide(own, u) for u in units},
                anak=anak, anak_tingkat=anak_tingkat, anak_urut=urut, grafik=grafik, grafik_nama=grafik_nama,
                grafik_tingkat=grafik_tingkat, grafik_sorot=sorot, persen_penduduk_bdt=persen)


def profil(tables: Mapping[str, pd.DataFrame], kode: str) -> View:
    """Deprivation shares of this wilayah: `profil` (its rows); `grafik` (the rows the chart draws: ruta
    indicators, or all when there are none); `persen` and `ditekan` (indikator × D1-D2/D3-D4/semua, the
    share and whether it is suppressed), sorted by the D1-D2 share; `selisih` (D1-D2 minus D3-D4, largest
    first, the sentence's top three)."""
    prof = rows(tbl(tables, "profil"), kode)
    if prof.empty:
        return View(profil=prof, grafik=prof, persen=pd.DataFrame(), ditekan=pd.DataFrame(), selisih=pd.Series(dtype=float))
    ruta = prof[prof["satuan"].astype(str) == "rumah_tangga"] if "satuan" in prof else prof
    sup = prof["ditekan"].fillna(False).astype(bool) if "ditekan" in prof else pd.Series(False, index=prof.index)
    p = prof.assign(v=pd.to_numeric(prof["persen"], errors="coerce").where(~sup), s=sup)
    groups = ["D1-D2", "D3-D4", "semua"]
    v = p.pivot_table(index="indikator", columns="kelompok", values="v", aggfunc="first", dropna=False).reindex(columns=groups)
    s = p.pivot_table(index="indikator", columns="kelompok", values="s", aggfunc="any").reindex(index=v.index, columns=groups).fillna(False)
    order = v["D1-D2"].fillna(-1).sort_values(ascending=False, kind="mergesort").index
    gap = (v["D1-D2"] - v["D3-D4"]).dropna().sort_values(ascending=False, kind="mergesort")
    return View(profil=prof, grafik=ruta if not ruta.empty else prof, persen=v.loc[order], ditekan=s.loc[order],
                selisih=gap)


def mpm(tables: Mapping[str, pd.DataFrame], kode: str) -> View:
    """MPM progress: `mpm` (this wilayah's row, {} when absent), `kelurahan` (the rows of the kelurahan in
    scope), `scope` (their codes, in reference order), `diverifikasi` (verified registrations), how many
    kelurahan have reported of how many, and the deadline `batas_lapor` (None: the table names none)."""
    tab = tbl(tables, "mpm")
    r = row(tab, kode)
    scope = kelurahan_in(kode)
    kel = rows(tab, scope)
    n_mel, n_tot = r.get("kelurahan_melapor"), r.get("kelurahan_jumlah")
    if fmt.is_na(n_mel) or n_mel is None:
        n_mel = sum(is_true(row(kel, c).get("melapor")) for c in scope)
    if fmt.is_na(n_tot) or n_tot is None:
        n_tot = len(scope)
    return View(ada=not tab.empty, mpm=r, kelurahan=kel, scope=scope, diverifikasi=verified(r) if r else None,
                kelurahan_melapor=n_mel, kelurahan_jumlah=n_tot, batas_lapor=batas_lapor(tables, kode))


_SERI_NAMA = {"bontang": "Kota Bontang", "kaltim": "Kalimantan Timur", "nasional": "Indonesia"}


def makro(tables: Mapping[str, pd.DataFrame], years: tuple[int, int] = (2015, 2018)) -> View:
    """BPS macro poverty in `years`: `bps` (long: tahun, seri, nama, indikator, nilai), `seri` (P0 per
    series name → Series tahun → %, the chart), `bontang` (tahun × indikator for Kota Bontang), `arah_p0`
    (first and last P0 of Bontang, the direction and Kalimantan Timur's last P0; None with fewer than
    two years) and `p1p2_naik` (year pairs where P0 fell while P1 and P2 rose)."""
    bps = bps_long(tbl(tables, "bps_makro"))
    bps = bps[(bps["tahun"] >= years[0]) & (bps["tahun"] <= years[1])]
    out = View(bps=bps, seri={}, bontang=pd.DataFrame(), arah_p0=None, p1p2_naik=[], periode=f"{years[0]}–{years[1]}")
    if bps.empty:
        return out
    p0 = bps[bps["indikator"] == "p0"]
    for key in ("bontang", "kaltim", "nasional"):
        s = p0[p0["seri"] == key].set_index("tahun")["nilai"].dropna()
        if not s.empty:
            out.seri[_SERI_NAMA[key]] = s
    bon = bps[bps["seri"] == "bontang"].pivot_table(index="tahun", columns="indikator", values="nilai", aggfunc="first")
    out.bontang = bon.sort_index()
    if "p0" in bon and bon["p0"].notna().sum() >= 2:
        s = bon["p0"].dropna().sort_index()
        kal = out.seri.get("Kalimantan Timur")
        kal = kal.dropna().sort_index() if kal is not None else None
        has_kal = kal is not None and len(kal)
        out.arah_p0 = {"t0": int(s.index[0]), "v0": s.iloc[0], "t1": int(s.index[-1]), "v1": s.iloc[-1],
                       "arah": "turun" if s.iloc[-1] < s.iloc[0] else "naik" if s.iloc[-1] > s.iloc[0] else "tetap",
                       "vk": kal.iloc[-1] if has_kal else None, "tk": int(kal.index[-1]) if has_kal else int(s.index[-1])}
    if {"p0", "p1", "p2"} <= set(bon.columns):
        b = bon.sort_index()
        for y0, y1 in zip(b.index[:-1], b.index[1:]):
            a, c = b.loc[y0], b.loc[y1]
            if all(not fmt.is_na(x) for x in (a.p0, c.p0, a.p1, c.p1, a.p2, c.p2)) and c.p0 < a.p0 and c.p1 > a.p1 and c.p2 > a.p2:
                out.p1p2_naik.append((int(y0), int(y1)))
    return out


# The value columns of `bps_makro` (indicators.tables.BPS_COLUMNS) → the names the makro section uses.
_BPS_INDIKATOR = {"p0_persen": "p0", "p1": "p1", "p2": "p2", "garis_kemiskinan_rp": "gk",
                  "penduduk_miskin": "penduduk_miskin"}


def bps_long(df: pd.DataFrame) -> pd.DataFrame:
    """The `bps_makro` table (one row per `wilayah` name and `tahun`) in long form: tahun, seri
    (bontang/kaltim/nasional, else the lower-cased name), nama, indikator (p0, p1, p2, gk, penduduk_miskin),
    nilai."""
    if df.empty:
        return pd.DataFrame(columns=["tahun", "seri", "nama", "indikator", "nilai"])
    long = df.rename(columns=_BPS_INDIKATOR).melt(id_vars=["tahun", "wilayah"],
                                                  value_vars=list(_BPS_INDIKATOR.values()),
                                                  var_name="indikator", value_name="nilai")

    def seri(nama: str) -> str:
        name = nama.strip().lower()
        if "bontang" in name:
            return "bontang"
        if "kalimantan timur" in name or "kaltim" in name:
            return "kaltim"
        if "indonesia" in name or "nasional" in name:
            return "nasional"
        return name

    out = pd.DataFrame({
        "tahun": pd.to_numeric(long["tahun"], errors="coerce"),
        "seri": [seri(str(n)) for n in long["wilayah"]],
        "nama": long["wilayah"].astype(str),
        "indikator": long["indikator"],
        "nilai": pd.to_numeric(long["nilai"], errors="coerce"),
    })
    return out.dropna(subset=["tahun"]).astype({"tahun": int})


# ----------------------------------------------------------------------------------------------------
# what changed since the previous period (tables `banding_*` and `tren`)
# ----------------------------------------------------------------------------------------------------

ALUR_KELUAR = ("pindah_keluar", "keluar_dari_target", "keluar_dari_data")
ALUR_MASUK = ("pindah_masuk", "masuk_dari_data", "masuk_baru")


def flows(r: Mapping[str, Any]) -> dict[str, float | None]:
    """One `banding_alur` row as numbers, with `keluar` (left this wilayah's target group: out of the
    target, out of the data, or moved to another kelurahan) and `masuk` (the reverse) summed. A move
    inside the wilayah is neither (the row's own `pindah_*` are 0 for it)."""
    out = {k: num(r.get(k)) for k in ("n_sebelumnya", "n_sekarang", "tetap", *ALUR_KELUAR, *ALUR_MASUK,
                                      "tanpa_kunci_sebelumnya", "tanpa_kunci")}

    def total(keys):
        vals = [out[k] for k in keys]
        return None if any(v is None for v in vals) else sum(vals)
    out["keluar"], out["masuk"] = total(ALUR_KELUAR), total(ALUR_MASUK)
    return out


def banding(tables: Mapping[str, pd.DataFrame], kode: str) -> View:
    """Since the previous period: `ringkasan` (this wilayah's `banding_ringkasan` row; {} when there is
    nothing to compare), `alur` (its flows, `flows`; {} without a row), `alur_kelurahan` (kelurahan code →
    flows, for a kota or kecamatan), `prioritas` (the `banding_prioritas` rows of the kelurahan in scope)
    and `tren` (its `tren` rows, oldest first)."""
    r = row(tbl(tables, "banding_ringkasan"), kode)
    alur = tbl(tables, "banding_alur")
    own = row(alur, kode)
    per_kel = {}
    if own and tingkat(kode) != "kelurahan":
        per_kel = {c: flows(kr) for c in kelurahan_in(kode) if (kr := row(alur, c))}
    tren = rows(tbl(tables, "tren"), kode)
    if "periode" in tren:
        tren = tren.sort_values("periode", kind="mergesort")
    return View(ringkasan=r, alur=flows(own) if own else {}, alur_kelurahan=per_kel,
                prioritas=rows(tbl(tables, "banding_prioritas"), kelurahan_in(kode)), tren=tren)
