"""Round 1's PBDT 2015 files: the household file (ruta: `;`, cp1252, CRLF) and the member file (ART: `,`, UTF-8
with BOM, LF), written in chunks, with the dirt chosen for them and its count per kind for the README."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kemiskinan.synthetic.arrays import as_str, join, mask_of, nullable, take_str, with_mask
from kemiskinan.synthetic.city import FIRST_F, NAME_VARIANTS, STREETS, TMP_BONTANG, TMP_OTHER, idbdt_base
from kemiskinan.synthetic.dirt import Dirt
from kemiskinan.synthetic.layout import FILE_ART, FILE_RUTA, RUTA_COLUMNS, SYNTHETIC_MARK
from kemiskinan.synthetic.simulate import Sim
from kemiskinan.synthetic.text import date_strings, excel_sci, person_names
from kemiskinan.synthetic.writers import with_duplicates, write_csv_chunks


def region_col(sim: Sim, hh_idx: np.ndarray, col: str) -> pa.Array:
    """A region-table column as text, per household."""
    return take_str(sim.reg[col].astype(str).tolist(), sim.plan.hh_region[hh_idx])


def nik_strings(p: dict, idx: np.ndarray, dirt: Dirt) -> pa.Array:
    """NIK of persons idx as text, with the member file's NIK dirt applied."""
    s = as_str(p["nik"][idx])
    pos = {k: np.flatnonzero(mask_of(len(p["nik"]), v)[idx]) for k, v in dirt.art.items() if k.startswith("nik_")}
    s = with_mask(s, pos.get("nik_excel_sci", []), excel_sci)
    s = with_mask(s, pos.get("nik_akhiran_0", []), lambda x: join(x, ".0"))
    s = with_mask(s, pos.get("nik_bulan_13", []),
                  lambda x: join(pc.utf8_slice_codeunits(x, 0, 8), "13", pc.utf8_slice_codeunits(x, 10, 16)))
    s = with_mask(s, pos.get("nik_tanggal_00", []),
                  lambda x: join(pc.utf8_slice_codeunits(x, 0, 6), "00", pc.utf8_slice_codeunits(x, 8, 16)))
    s = with_mask(s, pos.get("nik_kosong", []), lambda x: pa.array([""] * len(x)))
    s = with_mask(s, pos.get("nik_zwsp", []),
                  lambda x: join(pc.utf8_slice_codeunits(x, 0, 6), "\u200b", pc.utf8_slice_codeunits(x, 6, 16)))
    return s


def dirty_names(names: pa.Array, n_total: int, idx: np.ndarray, dirt_sets: dict, prefix: str) -> pa.Array:
    """names (rows idx of n_total) with the chosen case/space/NBSP/ZWSP dirt `prefix`+kind applied."""
    def local(key):
        return np.flatnonzero(mask_of(n_total, dirt_sets.get(prefix + key, np.zeros(0, np.int64)))[idx])
    names = with_mask(names, local("title"), pc.utf8_title)
    names = with_mask(names, local("spasi"), lambda x: join(x, "  "))
    names = with_mask(names, local("nbsp"), lambda x: pc.replace_substring(x, " ", "\u00a0", max_replacements=1))
    if prefix + "zwsp" in dirt_sets:
        names = with_mask(names, local("zwsp"), lambda x: join(x, "\u200b"))
    return names


def ruta_table(sim: Sim, dirt: Dirt, rows: np.ndarray) -> pa.Table:
    """Rows of the household file for households `rows` (duplicates included), dirt applied."""
    hh, reg = sim.hh, sim.reg
    n_hh = len(hh["grp"])
    nrow = len(rows)

    def loc(key):
        return np.flatnonzero(mask_of(n_hh, dirt.ruta.get(key, np.zeros(0, np.int64)))[rows])

    idbdt_int = idbdt_base(reg)
    idbdt = as_str(idbdt_int[sim.plan.hh_region[rows]] + sim.plan.hh_seq[rows])
    idbdt = with_mask(idbdt, loc("idbdt_spasi"), lambda x: join(" ", x, " "))
    region = sim.plan.hh_region[rows]
    kode = reg.kode.to_numpy()[region]
    canon = reg.nmkel.to_numpy()
    upper = pc.utf8_upper(take_str(canon.tolist(), region))
    nmkel = upper
    var_pos = loc("nmkel_varian")
    if len(var_pos):
        alt = np.array([NAME_VARIANTS.get(k, (c, c))[i % 2] for k, c, i in
                        zip(kode[var_pos], canon[region[var_pos]], range(len(var_pos)))], dtype=object)
        nmkel = pc.replace_with_mask(nmkel, pa.array(mask_of(nrow, var_pos)), pa.array(alt, pa.string()))
    nmkel = with_mask(nmkel, loc("nmkel_title"), pc.utf8_title)
    nmkel = with_mask(nmkel, loc("nmkel_spasi"), lambda x: join(" ", x, " "))
    nmkel = with_mask(nmkel, loc("nmkel_nbsp"), lambda x: join(x, "\u00a0"))
    nmkec = pc.utf8_upper(region_col(sim, rows, "nmkec"))
    nmkec = with_mask(nmkec, loc("nmkel_title"), pc.utf8_title)

    p = sim.p
    krt = hh["first_person"][rows]
    nama = person_names(p, krt)
    nama = with_mask(nama, loc("nama_krt_title"), pc.utf8_title)
    nama = with_mask(nama, loc("nama_krt_spasi"), lambda x: join(x, " "))
    nama = with_mask(nama, loc("nama_krt_nbsp"), lambda x: pc.replace_substring(x, " ", "\u00a0", max_replacements=1))
    street = take_str(STREETS, hh["street"][rows])
    gang = hh["gang"][rows]
    alamat = pc.if_else(pa.array(gang > 0),
                        join("JL. ", street, " GG. ", as_str(gang), " NO. ", as_str(hh["no_rumah"][rows])),
                        join("JL. ", street, " NO. ", as_str(hh["no_rumah"][rows])))
    cols = {
        "IDBDT": idbdt, "KDPROP": region_col(sim, rows, "kdprop"), "KDKAB": region_col(sim, rows, "kdkab"),
        "KDKEC": region_col(sim, rows, "kdkec"), "KDDESA": region_col(sim, rows, "kddesa"),
        "NMPROP": region_col(sim, rows, "nmprop"), "NMKAB": region_col(sim, rows, "nmkab"),
        "NMKEC": nmkec, "NMKEL": nmkel, "Alamat": alamat,
        "Nama_SLS": join("RT ", pc.utf8_lpad(as_str(sim.plan.hh_rt[rows]), width=3, padding="0")),
        "Nomor_Urut_Rumah_Tangga": pa.array(sim.plan.hh_urut[rows]), "Nama_KRT": nama,
        "Jumlah_ART": pa.array(hh["size"][rows]), "Jumlah_Keluarga": pa.array(hh["nkel"][rows]),
    }
    for c in RUTA_COLUMNS[15:-3]:
        if c == "sta_lahan":
            cols[c] = nullable(hh[c][rows], hh["sta_lahan_valid"][rows])
        elif c == "daya":
            cols[c] = nullable(hh[c][rows], hh["daya_valid"][rows])
        elif c == "luas_lantai":
            cols[c] = pa.array(hh[c][rows].astype(np.int64))
        else:
            cols[c] = pa.array(hh[c][rows])
    cols["status_kesejahteraan"] = nullable(hh["desil"][rows], hh["desil_valid"][rows])
    cols["percentile"] = nullable(hh["pct"][rows], hh["pct_valid"][rows])
    cols["KETERANGAN"] = pa.array([SYNTHETIC_MARK] * nrow)
    return pa.table(cols)


def art_table(sim: Sim, dirt: Dirt, rows: np.ndarray) -> pa.Table:
    """Rows of the member file for persons `rows` (duplicates included), dirt applied."""
    p, hh, kf, reg = sim.p, sim.hh, sim.kf, sim.reg
    P = len(p["hh"])
    ph = p["hh"][rows]
    region = sim.plan.hh_region[ph]

    def loc(key):
        return np.flatnonzero(mask_of(P, dirt.art.get(key, np.zeros(0, np.int64)))[rows])

    idbdt_int = idbdt_base(reg)
    idbdt_num = idbdt_int[region] + sim.plan.hh_seq[ph]
    idbdt = as_str(idbdt_num)
    idart = as_str(idbdt_num * 100 + p["member_no"][rows])
    idbdt = with_mask(idbdt, loc("idbdt_spasi"), lambda x: join(x, " "))
    names = dirty_names(person_names(p, rows), P, rows, dirt.art, "nama_")
    ages = p["umur"][rows]
    female = p["female"][rows]
    pkh_no = (647415 * 10 ** 8 + ph)
    pkh_valid = hh["pkh"][ph] & (p["nuk"][rows] == 1)
    tmp_idx = p["tmp_idx"][rows]
    tmp = pc.if_else(pa.array(tmp_idx < 0), pa.scalar(TMP_BONTANG), take_str(TMP_OTHER, np.maximum(tmp_idx, 0)))
    work_asked = p["work_asked"][rows]
    works = p["works"][rows]
    cols = {
        "IDBDT": idbdt, "IDARTBDT": idart,
        "KDPROP": take_str(reg.kdprop.tolist(), region), "KDKAB": take_str(reg.kdkab.tolist(), region),
        "KDKEC": take_str(reg.kdkec.tolist(), region), "KDDESA": take_str(reg.kddesa.tolist(), region),
        "NoPesertaPKH": nullable(pkh_no, pkh_valid), "Nama": names,
        "JnsKel": pa.array(np.where(female, 2, 1).astype(np.int8)), "TmpLahir": tmp,
        "TglLahir": date_strings(p["by"][rows], p["bm"][rows], p["bd"][rows], p["date_fmt"][rows]),
        "NIK": nik_strings(p, rows, dirt), "NoKK": as_str(kf["kk"][p["kf"][rows]]),
        "Hub_KRT": pa.array(p["hub_krt"][rows]), "NUK": pa.array(p["nuk"][rows]),
        "Hubkel": pa.array(p["hubkel"][rows]), "Umur": pa.array(ages),
        "Sta_kawin": pa.array(p["kawin"][rows]), "Ada_akta_nikah": pa.array(p["akta_nikah"][rows]),
        "Ada_diKK": pa.array(p["di_kk"][rows]), "Ada_kartu_identitas": pa.array(p["ident"][rows]),
        "Sta_hamil": nullable(p["hamil"][rows], p["hamil_asked"][rows]),
        "Jenis_cacat": pa.array(p["cacat"][rows]), "Penyakit_kronis": pa.array(p["kronis"][rows]),
        "Partisipasi_sekolah": pa.array(p["part_school"][rows]),
        "Pendidikan_tertinggi": nullable(p["pend"][rows], p["has_pend"][rows]),
        "Kelas_tertinggi": nullable(p["kelas"][rows], p["has_pend"][rows]),
        "Ijazah_tertinggi": pa.array(p["ijazah"][rows]),
        "Sta_Bekerja": nullable(np.where(works, 1, 2), work_asked),
        "Jumlah_jamkerja": nullable(p["jam"][rows], works & work_asked),
        "Lapangan_usaha": nullable(p["lap"][rows], works & work_asked),
        "Status_pekerjaan": nullable(p["stat_kerja"][rows], works & work_asked),
        "namagadis_ibukandung": take_str(FIRST_F, p["ibu_idx"][rows]),
        "KETERANGAN": pa.array([SYNTHETIC_MARK] * len(rows)),
    }
    return pa.table(cols)


def write_ruta(tmp: Path, sim: Sim, dirt: Dirt) -> int:
    """The household file; returns its number of data rows."""
    n_hh = len(sim.hh["grp"])
    rows = with_duplicates(n_hh, dirt.ruta["duplikat"])
    rows = rows[sim.hh["kind"][rows] != 3]        # orphan households: members only
    write_csv_chunks(tmp / FILE_RUTA, lambda a, b: ruta_table(sim, dirt, rows[a:b]), len(rows),
                     delimiter=";", eol="\r\n", encoding="cp1252")
    return len(rows)


def write_art(tmp: Path, sim: Sim, dirt: Dirt) -> int:
    """The member file; returns its number of data rows."""
    rows = with_duplicates(len(sim.p["hh"]), dirt.art["duplikat"])
    write_csv_chunks(tmp / FILE_ART, lambda a, b: art_table(sim, dirt, rows[a:b]), len(rows),
                     delimiter=",", eol="\n", bom=True)
    return len(rows)


def dirt_counts(sim: Sim, dirt: Dirt) -> dict[str, dict[str, int]]:
    """Dirt per kind in the household and the member file, as the README lists it."""
    kind = sim.hh["kind"]
    p_kind = kind[sim.p["hh"]]
    d, a = dirt.ruta, dirt.art
    ruta = {
        "baris_duplikat_persis": len(d["duplikat"]),
        "rumah_tangga_luar_kota (KDKAB/KDPROP lain, ditolak)": int((kind == 1).sum()),
        "rumah_tangga_kelurahan_tidak_dikenal (KDDESA 007 'Sidrap', ditolak)": int((kind == 2).sum()),
        "nmkel_varian_ejaan": len(d["nmkel_varian"]), "nmkel_nmkec_huruf_judul": len(d["nmkel_title"]),
        "nmkel_spasi_depan_belakang": len(d["nmkel_spasi"]), "nmkel_nbsp": len(d["nmkel_nbsp"]),
        "idbdt_spasi_depan_belakang": len(d["idbdt_spasi"]), "nama_krt_spasi": len(d["nama_krt_spasi"]),
        "nama_krt_nbsp": len(d["nama_krt_nbsp"]), "nama_krt_huruf_judul": len(d["nama_krt_title"]),
    }
    art = {
        "baris_duplikat_persis": len(a["duplikat"]),
        "anggota_rumah_tangga_luar_kota (ditolak)": int((p_kind == 1).sum()),
        "anggota_kelurahan_tidak_dikenal (ditolak)": int((p_kind == 2).sum()),
        "anggota_tanpa_rumah_tangga (IDBDT yatim, ditolak)": int((p_kind == 3).sum()),
        "nik_excel_sci (6.47402E+15)": len(a["nik_excel_sci"]), "nik_akhiran_.0": len(a["nik_akhiran_0"]),
        "nik_bulan_13": len(a["nik_bulan_13"]), "nik_tanggal_00": len(a["nik_tanggal_00"]),
        "nik_kosong (balita)": len(a["nik_kosong"]), "nik_dengan_zwsp": len(a["nik_zwsp"]),
        "idbdt_spasi_belakang": len(a["idbdt_spasi"]), "nama_huruf_judul": len(a["nama_title"]),
        "nama_spasi_belakang": len(a["nama_spasi"]), "nama_nbsp": len(a["nama_nbsp"]),
        "nama_zwsp": len(a["nama_zwsp"]),
        "nik_pendatang_prefix_luar_kaltim (sah)": int((sim.p["nik"] // 10 ** 14 != 64).sum()),
        "tgllahir_teks_bulan_panjang": int((sim.p["date_fmt"] == 1).sum()),
        "tgllahir_iso_yyyy-mm-dd": int((sim.p["date_fmt"] == 2).sum()),
    }
    return {FILE_RUTA: ruta, FILE_ART: art}
