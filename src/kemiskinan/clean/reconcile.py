"""Check: every row read is kept, rejected or merged (`rekonsiliasi`, per file and sheet), and the findings
as the `temuan` table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings
from kemiskinan.clean.load import KIND_TABLE
from kemiskinan.clean.rules import GABUNG, TOLAK
from kemiskinan.errors import ReconciliationError

def reconcile(batches: dict[str, Batch], tables: dict[str, pd.DataFrame], temuan: pd.DataFrame) -> pd.DataFrame:
    """Per file and sheet: dibaca = disimpan + ditolak + digabung, each side counted independently."""
    rows = []
    fate = temuan[temuan["tindakan"].isin([TOLAK, GABUNG])]
    for kind, b in batches.items():
        out = tables[KIND_TABLE[kind]]
        # kept rows per (file, sheet), counted on the source columns' categories (not 4 M strings)
        if "sumber_sheet" in out:
            g = pd.DataFrame({"f": out["sumber_file"], "s": out["sumber_sheet"]}) \
                .groupby(["f", "s"], observed=True, dropna=False).size()
            kept_counts = {(str(f), "" if pd.isna(s) else str(s)): int(n) for (f, s), n in g.items()}
        else:
            # The table keeps its source file only: a file read as one table (a CSV, a one-sheet workbook)
            # is counted from the table; a workbook with several sheets of this kind has its kept rows split
            # over the sheets by the batch's row fates, and their sum must equal the table's count.
            per_file = {str(f): int(n) for f, n in out["sumber_file"].value_counts().items()}
            sheets_of: dict[str, list[str]] = {}
            for t in b.tables:
                sheets_of.setdefault(t.file, []).append(t.sheet or "")
            keep = b.state == 0
            g = pd.DataFrame({"f": b.file[keep], "s": b.sheet[keep]}).groupby(["f", "s"], observed=True).size()
            by_sheet = {(str(f), str(s)): int(n) for (f, s), n in g.items()}
            kept_counts = {}
            for f, sheets in sheets_of.items():
                if len(sheets) == 1:
                    kept_counts[(f, sheets[0])] = per_file.get(f, 0)
                    continue
                for sh in sheets:
                    kept_counts[(f, sh)] = by_sheet.get((f, sh), 0)
                if sum(by_sheet.get((f, sh), 0) for sh in sheets) != per_file.get(f, 0):
                    raise ReconciliationError(f"baris disimpan per sheet tidak berjumlah sama dengan tabel "
                                              f"{KIND_TABLE[kind]} ({per_file.get(f, 0)})", file=f,
                                              hint="ini kesalahan program pembersih, bukan data: laporkan")
        for t in b.tables:
            sheet = t.sheet or ""
            f = fate[(fate["file"] == t.file) & (fate["sheet"] == sheet)]
            uniq = f.drop_duplicates(["baris", "tindakan"])
            tol = int((uniq["tindakan"] == TOLAK).sum())
            gab = int((uniq["tindakan"] == GABUNG).sum())
            dis = int(kept_counts.get((t.file, sheet), 0))
            rows.append({"file": t.file, "sheet": sheet, "jenis": kind, "dibaca": t.rows, "disimpan": dis,
                         "ditolak": tol, "digabung": gab, "seimbang": t.rows == dis + tol + gab})
    rek = pd.DataFrame(rows, columns=["file", "sheet", "jenis", "dibaca", "disimpan", "ditolak", "digabung",
                                      "seimbang"])
    for c in ("dibaca", "disimpan", "ditolak", "digabung"):
        rek[c] = rek[c].astype("int64")
    rek["seimbang"] = rek["seimbang"].astype(bool)
    return rek


def check_reconciliation(rek: pd.DataFrame) -> None:
    bad = rek[~rek["seimbang"]]
    if len(bad):
        r = bad.iloc[0]
        raise ReconciliationError(
            f"rekonsiliasi tidak seimbang: dibaca {r.dibaca} ≠ disimpan {r.disimpan} + ditolak {r.ditolak} + "
            f"digabung {r.digabung}" + (f" (dan {len(bad) - 1} file/sheet lain)" if len(bad) > 1 else ""),
            file=r.file, sheet=r.sheet or None, hint="ini kesalahan program pembersih, bukan data: laporkan")


def finish_temuan(F: Findings, batches: dict[str, Batch]) -> pd.DataFrame:
    t = F.frame()
    kel = np.full(len(t), None, dtype=object)
    for kind, b in batches.items():
        m = (t["_kind"] == kind).to_numpy() & (t["_pos"].to_numpy() >= 0)
        if m.any():
            kel[m] = b.kel.iloc[t["_pos"].to_numpy()[m]].to_numpy(dtype=object, na_value=None)
    t["kode_kelurahan"] = pd.array(kel, dtype="str")
    t = t.drop(columns=["_kind", "_pos"])
    t = t.sort_values(["file", "sheet", "baris", "aturan", "kolom"], kind="stable").reset_index(drop=True)
    for c in ("file", "sheet", "kolom", "aturan", "tindakan"):
        t[c] = t[c].astype("str").astype("category")
    t["baris"] = t["baris"].astype("int64")
    t["pesan"] = t["pesan"].astype("str")
    t["nilai_tersamar"] = t["nilai_tersamar"].astype("str")
    return t[["file", "sheet", "baris", "kolom", "aturan", "pesan", "nilai_tersamar", "tindakan", "kode_kelurahan"]]
