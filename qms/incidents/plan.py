"""The centre's contingency plan (seeds/000: Kế hoạch … phương án dự phòng), part II.

Pure data, no Flask: migration 0004 seeds the catalogue from it, and
qms.incidents.operations.catalogue.ensure_seeded() re-adds a missing type. Wording follows the
plan; where the plan gives a single paragraph (2.7–2.9) it is split into ordered steps.
"""

SIMPLE = "simple"
COMPLEX = "complex"

PLAN_TYPES = [
    {
        "code": "2.1",
        "title": "Máy in hết giấy, hết mực",
        "title_en": "Printer out of paper or toner",
        "category": SIMPLE,
        "symptoms": (
            'Không in được, báo lỗi "hết giấy"; báo lỗi phần mềm, nghẽn giấy, '
            "in sai lệch các trang giấy; in mờ."
        ),
        "steps": [
            "Kiểm tra khay giấy của máy in.",
            "Thêm giấy in đúng loại, kích cỡ.",
            "Khởi động lại lệnh in nếu cần.",
            "Đổ mực.",
        ],
        "responsible": (
            "Cán bộ tiếp nhận hoặc cán bộ CNTT phụ trách hỗ trợ tại xã và các doanh nghiệp "
            "hoạt động kinh doanh lĩnh vực CNTT."
        ),
        "contacts": [
            "Cán bộ CNTT phụ trách hỗ trợ tại xã",
            "Doanh nghiệp kinh doanh lĩnh vực CNTT",
        ],
    },
    {
        "code": "2.2",
        "title": "Lỗi đăng nhập tài khoản",
        "title_en": "Account login failure",
        "category": SIMPLE,
        "symptoms": (
            "Không vào được hệ thống do sai mật khẩu hoặc tài khoản bị khóa; "
            "cán bộ không nhớ tài khoản đăng nhập."
        ),
        "steps": [
            "Kiểm tra lại tên đăng nhập và mật khẩu.",
            'Sử dụng chức năng "Quên mật khẩu" nếu có.',
            "Liên hệ quản trị viên để mở khóa hoặc cấp lại tài khoản.",
        ],
        "responsible": "Cán bộ tiếp nhận hoặc hỗ trợ kỹ thuật VNPT tỉnh Nghệ An.",
        "contacts": ["Quản trị viên hệ thống", "Hỗ trợ kỹ thuật VNPT tỉnh Nghệ An"],
    },
    {
        "code": "2.3",
        "title": "Mất mạng Internet",
        "title_en": "Internet outage",
        "category": COMPLEX,
        "symptoms": "Không truy cập được các hệ thống trực tuyến.",
        "steps": [
            "Kiểm tra modem/router; đèn tín hiệu, kết nối.",
            "Khởi động lại thiết bị mạng.",
            "Nếu không khắc phục được: liên hệ nhà cung cấp dịch vụ Internet (VNPT, Viettel…); "
            "chuyển sang đường truyền dự phòng (hai đường truyền tốc độ cao, có bộ phận chuyển mạng).",
            "Thông báo sự cố với Trung tâm Phục vụ hành chính công tỉnh.",
            "Ghi nhận hồ sơ bằng giấy tờ tạm thời nếu cần thiết.",
        ],
        "responsible": (
            "Cán bộ CNTT của xã; hỗ trợ từ Sở Khoa học và Công nghệ, nhân viên VNPT Nghệ An và các "
            "kỹ thuật viên Trung tâm Phục vụ hành chính công tỉnh nếu kéo dài."
        ),
        "contacts": [
            "VNPT Nghệ An",
            "Viettel",
            "Sở Khoa học và Công nghệ",
            "Trung tâm Phục vụ hành chính công tỉnh",
        ],
    },
    {
        "code": "2.4",
        "title": "Sập hệ thống phần mềm",
        "title_en": "Case-handling software down",
        "category": COMPLEX,
        "symptoms": "Không truy cập được phần mềm xử lý hồ sơ.",
        "steps": [
            "Ghi nhận thời điểm xảy ra và biểu hiện lỗi.",
            "Kiểm tra kết nối Internet và thiết bị.",
            "Thông báo ngay cho đơn vị quản lý phần mềm (Sở KH&CN, VP.UBND tỉnh, "
            "Trung tâm Phục vụ hành chính công tỉnh).",
            "Tạm ghi nhận hồ sơ thủ công, cập nhật lại sau khi hệ thống hoạt động trở lại.",
        ],
        "responsible": (
            "Cán bộ phụ trách tiếp nhận, liên hệ kỹ thuật hỗ trợ phần mềm VNPT, "
            "Trung tâm HCC cấp tỉnh."
        ),
        "contacts": [
            "Sở KH&CN",
            "VP.UBND tỉnh",
            "Trung tâm Phục vụ hành chính công tỉnh",
            "Kỹ thuật hỗ trợ phần mềm VNPT",
        ],
    },
    {
        "code": "2.5",
        "title": "Lỗi kết nối cơ sở dữ liệu quốc gia, chuyên ngành",
        "title_en": "National or sector database connection failure",
        "category": COMPLEX,
        "symptoms": "Không tra cứu được thông tin từ CSDL dân cư, hộ tịch, đất đai…",
        "steps": [
            "Xác định rõ loại CSDL đang bị lỗi.",
            "Kiểm tra tình trạng kết nối hệ thống (mạng ổn định, tài khoản có quyền truy cập).",
            "Thông báo cho đầu mối kỹ thuật cấp tỉnh để được hỗ trợ.",
            "Ghi nhận thông tin hồ sơ, hẹn công dân, doanh nghiệp quay lại khi có kết quả tra cứu.",
        ],
        "responsible": "Cán bộ chuyên môn phối hợp với đầu mối kỹ thuật (Sở ngành liên quan).",
        "contacts": ["Đầu mối kỹ thuật cấp tỉnh", "Sở ngành liên quan"],
    },
    {
        "code": "2.6",
        "title": "Sự cố lỗi các phần mềm Chứng thư số chuyên dụng",
        "title_en": "Digital certificate (signing USB) failure",
        "category": COMPLEX,
        "symptoms": (
            "Chứng thư số (USB bị hỏng, không hiển thị thông tin); phần mềm cài đặt bị lỗi gây "
            "khó khăn trong quá trình ký số và phát hành văn bản."
        ),
        "steps": [
            "Cấp mới Chứng thư số (USB) cho cán bộ, lãnh đạo theo quy định của Ban Cơ yếu Chính phủ.",
            "Liên hệ với Trung tâm CNTT Sở Khoa học và Công nghệ tỉnh để được hỗ trợ.",
        ],
        "responsible": "Cán bộ CNTT của xã; Trung tâm CNTT Sở Khoa học và Công nghệ tỉnh.",
        "contacts": ["Trung tâm CNTT Sở Khoa học và Công nghệ tỉnh", "Ban Cơ yếu Chính phủ"],
    },
    {
        "code": "2.7",
        "title": "Sự cố mất điện",
        "title_en": "Power outage",
        "category": COMPLEX,
        "symptoms": "Mất điện lưới tại Trung tâm; máy tính, máy bấm số, màn hình ngừng hoạt động.",
        "steps": [
            "Liên hệ với Chi nhánh điện lực phụ trách khu vực để được sửa chữa kịp thời.",
            "Vận hành máy nổ (máy phát dự phòng) tại Trung tâm để hoạt động thông suốt.",
        ],
        "responsible": "Lãnh đạo Trung tâm; cán bộ được phân công vận hành máy phát.",
        "contacts": ["Chi nhánh điện lực phụ trách khu vực"],
    },
    {
        "code": "2.8",
        "title": "Lỗi hệ thống bấm số xếp hàng tự động QMS 1.2",
        "title_en": "Automatic queue-numbering system (QMS 1.2) failure",
        "category": COMPLEX,
        "symptoms": "Máy bấm số không cấp số, màn hình không gọi số; hệ thống QMS 1.2 không phản hồi.",
        "steps": [
            "Liên hệ với nhà cung cấp dịch vụ, nhân viên kỹ thuật VNPT tỉnh để hỗ trợ kịp thời.",
            "Đảm bảo tiếp tục phục vụ người dân, doanh nghiệp giải quyết TTHC "
            "(bấm số dự phòng trên hệ thống này).",
        ],
        "responsible": "Cán bộ CNTT của xã; nhà cung cấp dịch vụ, nhân viên kỹ thuật VNPT tỉnh.",
        "contacts": ["Nhà cung cấp dịch vụ QMS", "Nhân viên kỹ thuật VNPT tỉnh"],
    },
    {
        "code": "2.9",
        "title": "Một số sự cố khác như thiên tai, bão lụt, hỏa hoạn",
        "title_en": "Other emergencies: natural disaster, storm, flood, fire",
        "category": COMPLEX,
        "symptoms": "Thiên tai, bão lụt, hỏa hoạn ảnh hưởng đến hoạt động của Trung tâm.",
        "steps": [
            "Thành lập Ban chỉ đạo, Ban ứng cứu phối hợp với các phòng, ngành liên quan.",
            "Báo cáo cấp trên để có hướng xử lý.",
            "Thông báo khẩn trên hệ thống Đài truyền thanh xã, Zalo, Facebook để người dân "
            "và doanh nghiệp biết trong quá trình giải quyết TTHC.",
        ],
        "responsible": "Lãnh đạo Trung tâm, Ban chỉ đạo, Ban ứng cứu; các phòng, ngành liên quan.",
        "contacts": ["UBND xã", "Đài truyền thanh xã", "Các phòng, ngành liên quan"],
    },
]

# Part III of the plan: the general process every incident follows.
GENERAL_PROCESS = [
    (
        "Tiếp nhận sự cố",
        "Chuyên viên tại Trung tâm khi phát hiện báo cáo ngay cho cán bộ phụ trách kỹ thuật "
        "hoặc lãnh đạo Trung tâm.",
    ),
    ("Xử lý tại chỗ", "Sự cố đơn giản: chuyên viên được phân công xử lý theo hướng dẫn."),
    (
        "Chuyển tuyến",
        "Sự cố phức tạp: chuyên viên hoặc lãnh đạo Trung tâm liên hệ đơn vị quản lý, nhà cung "
        "cấp dịch vụ hoặc bộ phận kỹ thuật liên quan.",
    ),
    (
        "Tạm thời tiếp nhận hồ sơ thủ công",
        "Sự cố kéo dài: bố trí tiếp nhận bằng biện pháp giấy tờ tạm theo quy định.",
    ),
    (
        "Báo cáo sự cố",
        "Ghi vào sổ theo dõi sự cố và báo cáo về UBND xã, Sở Nội vụ, "
        "Trung tâm Phục vụ hành chính công tỉnh.",
    ),
]
