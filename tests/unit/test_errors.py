"""What a clerk reads when a file is wrong: every problem once, the same one on consecutive rows said once."""

from ocop.errors import InputError


def test_the_same_problem_on_consecutive_rows_is_one_line_naming_the_rows() -> None:
    same = "cột 'Mã sản phẩm': Bộ tiêu chí 18 chưa được kiểm chứng, không dùng để chấm điểm được."
    problems = [f"phieu.csv, dòng {n}, {same}" for n in range(8651, 8681)]
    problems += ["phieu.csv, dòng 8690, cột 'Điểm': giá trị 'x' không phải số nguyên.",
                 "phieu.csv, dòng 8691, cột 'Điểm': giá trị 'y' không phải số nguyên.",
                 "phieu.csv, dòng 8692, cột 'Điểm': giá trị 'y' không phải số nguyên.",
                 f"phieu.csv, dòng 8700, {same}"]
    error = InputError("Tệp phiếu đánh giá có lỗi.", problems)
    assert error.problems == [
        f"phieu.csv, dòng 8651–8680, {same}",
        "phieu.csv, dòng 8690, cột 'Điểm': giá trị 'x' không phải số nguyên.",   # another value: its own line
        "phieu.csv, dòng 8691–8692, cột 'Điểm': giá trị 'y' không phải số nguyên.",
        f"phieu.csv, dòng 8700, {same}",                                          # not next to the others
    ]
    assert str(error).count("\n  - ") == 4
