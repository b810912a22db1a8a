"""What a clerk reads when a file is wrong: every problem once, the same one on consecutive rows said once."""

from ocop.errors import InputError


def test_the_same_problem_on_several_rows_is_one_line_naming_the_rows() -> None:
    same = "cột 'Mã sản phẩm': Bộ tiêu chí 18 chưa được kiểm chứng, không dùng để chấm điểm được."
    problems = [f"phieu.csv, dòng {n}, {same}" for n in range(8651, 8681)]
    problems += ["phieu.csv, dòng 8690, cột 'Điểm': giá trị 'x' không phải số nguyên.",
                 "phieu.csv, dòng 8691, cột 'Điểm': giá trị 'y' không phải số nguyên.",
                 "phieu.csv, dòng 8692, cột 'Điểm': giá trị 'y' không phải số nguyên.",
                 f"phieu.csv, dòng 8700, {same}"]
    error = InputError("Tệp phiếu đánh giá có lỗi.", problems)
    assert error.problems == [
        f"phieu.csv, dòng 8651–8680, 8700, {same}",
        "phieu.csv, dòng 8690, cột 'Điểm': giá trị 'x' không phải số nguyên.",   # another value: its own line
        "phieu.csv, dòng 8691–8692, cột 'Điểm': giá trị 'y' không phải số nguyên.",
    ]
    assert str(error).count("\n  - ") == 3


def test_problems_on_interleaved_rows_are_gathered_per_problem() -> None:
    code = "cột 'Mã sản phẩm': mã 'KHONG-CO' không có trong danh sách đăng ký."
    member = "cột 'Thành viên': 'Ai Đó' không phải thành viên Hội đồng."
    problems = [f"bad.csv, dòng {n}, {p}" for n in (2, 3, 4) for p in (code, member)] + ["bad.csv: thiếu cột 'Điểm'."]
    assert InputError("Lỗi.", problems).problems == [
        f"bad.csv, dòng 2–4, {code}", f"bad.csv, dòng 2–4, {member}", "bad.csv: thiếu cột 'Điểm'."]
