"""Demo services and counters of a commune centre (VIETNAMESE.md), and default categories."""

SERVICES = [
    ("A", "Hộ tịch", "Civil status"),
    ("B", "Chứng thực", "Certification"),
    ("C", "Đất đai", "Land"),
    ("D", "Xây dựng – Đô thị", "Construction – Urban"),
    ("E", "Hộ kinh doanh", "Household business"),
    ("F", "Bảo trợ xã hội", "Social protection"),
    ("G", "Người có công", "Meritorious people"),
    ("H", "Nông nghiệp – Môi trường", "Agriculture – Environment"),
    ("T", "Trả kết quả", "Results return"),
]

COUNTERS = [
    (1, "Quầy 1", ["A", "B"]),
    (2, "Quầy 2", ["C", "D", "H"]),
    (3, "Quầy 3", ["E", "F", "G"]),
    (4, "Quầy 4", ["T", "B", "A"]),
]

PRIORITIES = [
    ("elderly", "Người cao tuổi", "Elderly (60+)", "elderly"),
    ("disabled", "Người khuyết tật", "Person with disability", "disabled"),
    ("pregnant", "Phụ nữ mang thai", "Pregnant woman", "pregnant"),
    ("merit", "Người có công với cách mạng", "Person with meritorious service", "merit"),
]


def seed_priorities():
    from qms.queue.operations.setup import upsert_priority
    from qms.queue.queries import priority_categories

    if priority_categories(active_only=False):
        return False
    for position, (code, vi, en, icon) in enumerate(PRIORITIES):
        upsert_priority(code, vi, en, icon, position)
    return True


def seed_demo():
    from qms.queue.operations.setup import upsert_counter, upsert_service
    from qms.queue.queries import counters_list, services_list

    if services_list() or counters_list():
        return False
    for position, (code, vi, en) in enumerate(SERVICES):
        upsert_service(code, vi, en, True, position)
    for number, name, codes in COUNTERS:
        upsert_counter(number, name, codes)
    return True
