/*
 * yibao.h - the C API of yibao: exact settlement of Chinese basic medical
 * insurance bills, for billing software (HIS) written in C, C#, Java, Delphi,
 * Go, Python, ... The conventions and where they come from are in
 * docs/c-api.md; this header is the reference.
 *
 * CONVENTIONS
 *
 *  - Status: every function that can fail returns a yibao_status (YIBAO_OK is
 *    0). It never throws, aborts or exits: every C++ exception is caught at
 *    the boundary. The functions that cannot fail return their value
 *    directly: yibao_version, yibao_version_number, yibao_status_name,
 *    yibao_last_error and the *_free functions.
 *  - Message: after every call that returns a status, yibao_last_error()
 *    describes it on the calling thread ("" after YIBAO_OK). The text is
 *    UTF-8, one problem per line (a tariff that fails to load lists every
 *    diagnostic, "file:line:column: error: key: message").
 *  - OWNERSHIP, the one rule: what the library hands out through an
 *    out-parameter (a handle `yibao_x **out`, a string `char **out`) belongs
 *    to the caller, who releases it with the matching yibao_x_free or
 *    yibao_free. Everything the caller passes in is only read during the
 *    call; what the library keeps, it copies. The two `const char *` function
 *    results are not owned: yibao_version() is static, yibao_last_error() is
 *    valid on the calling thread until its next yibao_* call. On failure an
 *    out-parameter handle or string is set to NULL.
 *  - Inputs: documents (TOML, CSV, JSON) are pointer + length and need no
 *    terminating NUL; names (paths, field names, ids) are NUL-terminated
 *    UTF-8. Every freeing function accepts NULL.
 *  - Threads: loaded tariffs and catalogs are immutable; any number of
 *    threads may settle on the same handles at once. A settlement handle
 *    belongs to one thread at a time. The registry used by
 *    yibao_business_handle is guarded by a lock.
 *  - I/O: the C++ core does no I/O. This API is the shell around it and may
 *    read files: yibao_tariff_load_file, yibao_tariff_load_set,
 *    yibao_catalog_load_file and tariff paths given to yibao_business_handle. Nothing else touches the file
 *    system, the clock or the environment.
 *  - Units: money is int64 fen (0.01 yuan); ratios int64 parts per million
 *    (1.0 = 1000000); prices int64 micro-yuan; quantities int64 1/10000 unit.
 *  - Versioned structs ("this version or older"): yibao_bill_c and
 *    yibao_settle_options start with `unsigned int version`, which the caller
 *    sets to the YIBAO_*_VERSION it was compiled with (yibao_bill_init and
 *    YIBAO_SETTLE_OPTIONS_INIT do). A struct only ever grows at its end, and
 *    each growth bumps its version; the library reads every version from 1 up
 *    to its own, the fields an older version lacks taking their defaults, so a
 *    program built against an older yibao.h keeps working with a newer
 *    library. A version newer than the library's (or 0) is refused with
 *    YIBAO_EINVAL naming both. The bill's version also fixes the layout of its
 *    yibao_line_c array and of the structs it embeds (those never grow: a new
 *    field goes at the end of yibao_bill_c or yibao_line_c, with a new version).
 */
#ifndef YIBAO_YIBAO_H
#define YIBAO_YIBAO_H

#include <stddef.h>
#include <stdint.h>

/* Keep in sync with project(VERSION) in CMakeLists.txt (CMake checks). */
#define YIBAO_VERSION_MAJOR 0
#define YIBAO_VERSION_MINOR 1
#define YIBAO_VERSION_PATCH 0
#define YIBAO_VERSION_STRING "0.1.0"
/** MAJOR * 1000000 + MINOR * 1000 + PATCH, like SQLITE_VERSION_NUMBER. */
#define YIBAO_VERSION_NUMBER (YIBAO_VERSION_MAJOR * 1000000 + YIBAO_VERSION_MINOR * 1000 + YIBAO_VERSION_PATCH)

/* YIBAO_API marks the exported functions. The shared library is built with
 * hidden visibility and YIBAO_BUILDING_SHARED; Windows consumers of the DLL
 * define YIBAO_SHARED. YIBAO_CALL is __stdcall on 32-bit Windows (the
 * calling convention C# DllImport and Delphi `stdcall` expect). */
#if defined(_WIN32)
#  if defined(YIBAO_BUILDING_SHARED)
#    define YIBAO_API __declspec(dllexport)
#  elif defined(YIBAO_SHARED)
#    define YIBAO_API __declspec(dllimport)
#  else
#    define YIBAO_API
#  endif
#  if defined(_M_IX86) || defined(__i386__)
#    define YIBAO_CALL __stdcall
#  else
#    define YIBAO_CALL
#  endif
#else
#  define YIBAO_API __attribute__((visibility("default")))
#  define YIBAO_CALL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- status */

/** Status codes. The numbers are part of the ABI and never change. */
typedef enum yibao_status {
  YIBAO_OK = 0,
  YIBAO_EINVAL = 1,        /**< malformed input: bill, tariff, catalog, argument, NULL pointer */
  YIBAO_ENOTFOUND = 2,     /**< unknown item code, field name or registered name */
  YIBAO_ERANGE = 3,        /**< the visit date is outside the tariff's validity */
  YIBAO_EPRECONDITION = 4, /**< the tariff has no rule for this visit */
  YIBAO_EBUFS = 5,         /**< output buffer too small; the needed length was reported */
  YIBAO_ENOMEM = 6,        /**< out of memory */
  YIBAO_EIO = 7,           /**< a file could not be read */
  YIBAO_EINTERNAL = 8      /**< a bug (broken invariant, e.g. an overflow); please report it */
} yibao_status;

/** "YIBAO_OK", "YIBAO_EINVAL", ...; "YIBAO_E?" for an unknown code. Static. */
YIBAO_API const char* YIBAO_CALL yibao_status_name(int status);

/** The message of the last call on this thread ("" after success). Never NULL. */
YIBAO_API const char* YIBAO_CALL yibao_last_error(void);

/** Frees a string the library returned through a `char **` out-parameter. */
YIBAO_API void YIBAO_CALL yibao_free(void* p);

/* --------------------------------------------------------------- version */

/** "MAJOR.MINOR.PATCH" of the library linked in (compare YIBAO_VERSION_STRING). */
YIBAO_API const char* YIBAO_CALL yibao_version(void);
/** YIBAO_VERSION_NUMBER of the library linked in. */
YIBAO_API int YIBAO_CALL yibao_version_number(void);

/* ---------------------------------------------------------------- tariff */

typedef struct yibao_tariff yibao_tariff;

/**
 * Reads the file a tariff `extends`. Set *data and *len to its contents and
 * return 0; return non-zero if it cannot be read. The bytes must stay valid
 * until the load call that invoked the reader returns (the library copies
 * them at once). `path` is the parent path resolved against the including
 * file's folder.
 */
typedef int (YIBAO_CALL *yibao_read_fn)(void* user, const char* path, const char** data, size_t* len);

/**
 * Loads a tariff from TOML text. `name` names it in diagnostics and is the
 * base of relative `extends` paths, which are read through `read` (may be
 * NULL if the tariff extends nothing).
 * Errors: YIBAO_EINVAL (NULL argument, any tariff problem: the message lists
 * every diagnostic), YIBAO_ENOMEM.
 */
YIBAO_API yibao_status YIBAO_CALL yibao_tariff_load_text(const char* text, size_t len, const char* name,
                                                         yibao_read_fn read, void* user, yibao_tariff** out);

/** Loads a tariff file (and the files it extends) from the file system.
 *  Errors: as yibao_tariff_load_text, and YIBAO_EIO if `path` cannot be read. */
YIBAO_API yibao_status YIBAO_CALL yibao_tariff_load_file(const char* path, yibao_tariff** out);

/**
 * Loads the versions of one place's tariff, of which each bill's visit date
 * picks the one in force. Each of the `count` paths is a tariff file or a
 * directory standing for every *.toml directly in it (sorted by name); a file
 * another of them `extends` is a base layer, not a version. The handle is a
 * yibao_tariff like any other: yibao_settle_json and yibao_settle_bill settle
 * each bill under the version whose valid_from..valid_to contains its date
 * (YIBAO_ERANGE "visit.date: no tariff version is in force on 2023-06-15"
 * when none does), yibao_register_tariff names it for yibao_business_handle.
 * Errors: YIBAO_EINVAL (NULL argument, count 0, a tariff that does not load,
 * versions that overlap or name different places: the message lists every
 * diagnostic), YIBAO_EIO (a path that does not exist or cannot be read, no
 * version found), YIBAO_ENOMEM. A gap between versions is not an error.
 */
YIBAO_API yibao_status YIBAO_CALL yibao_tariff_load_set(const char* const* paths, size_t count, yibao_tariff** out);

/** The tariff's id (from [tariff].id), as a new string to yibao_free; for a
 *  set (yibao_tariff_load_set), the ids of its versions, oldest first, one per
 *  line. */
YIBAO_API yibao_status YIBAO_CALL yibao_tariff_id(const yibao_tariff* t, char** out);

/** Frees a tariff (NULL is fine). Settlements made from it stay valid. */
YIBAO_API void YIBAO_CALL yibao_tariff_free(yibao_tariff* t);

/* --------------------------------------------------------------- catalog */

typedef struct yibao_catalog yibao_catalog;

/** Loads a catalog from CSV text (`code,name,class,selfpay_ratio,price_limit`).
 *  Errors: YIBAO_EINVAL (every bad row is listed), YIBAO_ENOMEM. */
YIBAO_API yibao_status YIBAO_CALL yibao_catalog_load_csv(const char* text, size_t len, const char* name,
                                                         yibao_catalog** out);
/** Loads a catalog CSV file. Errors: as above, and YIBAO_EIO. */
YIBAO_API yibao_status YIBAO_CALL yibao_catalog_load_file(const char* path, yibao_catalog** out);
/** Number of items. */
YIBAO_API yibao_status YIBAO_CALL yibao_catalog_size(const yibao_catalog* c, size_t* out);
YIBAO_API void YIBAO_CALL yibao_catalog_free(yibao_catalog* c);

/* ------------------------------------------------------------ bill structs */

/* Enum values of the struct fields (int32_t in the structs for a stable ABI). */
enum { YIBAO_SCHEME_EMPLOYEE = 0, YIBAO_SCHEME_RESIDENT = 1 };
enum { YIBAO_PERSON_ACTIVE = 0, YIBAO_PERSON_RETIRED = 1 };
enum {
  YIBAO_GROUP_NONE = 0,
  YIBAO_GROUP_DIBAO,
  YIBAO_GROUP_TEKUN,
  YIBAO_GROUP_POVERTY,
  YIBAO_GROUP_LOW_INCOME,
  YIBAO_GROUP_ORPHAN,
  YIBAO_GROUP_ILLNESS_POVERTY
};
enum { YIBAO_COVERAGE_ACTIVE = 0, YIBAO_COVERAGE_LAPSED, YIBAO_COVERAGE_WAITING };
/** DAY_SURGERY: settled as an inpatient stay; PHARMACY: a designated pharmacy. */
enum {
  YIBAO_VISIT_OUTPATIENT = 0,
  YIBAO_VISIT_INPATIENT,
  YIBAO_VISIT_CHRONIC,
  YIBAO_VISIT_DAY_SURGERY,
  YIBAO_VISIT_MATERNITY,
  YIBAO_VISIT_PHARMACY
};
enum { YIBAO_LOCATION_LOCAL = 0, YIBAO_LOCATION_CROSS_CITY, YIBAO_LOCATION_CROSS_PROVINCE };
/** YIBAO_FILING_NONE: "not given" (the bill's own filing; in options: no override). */
enum {
  YIBAO_FILING_NONE = -1,
  YIBAO_FILING_LONG_TERM = 0,
  YIBAO_FILING_TEMPORARY,
  YIBAO_FILING_REFERRAL,
  YIBAO_FILING_EMERGENCY,
  YIBAO_FILING_UNFILED
};
/** YIBAO_CLASS_NONE: the catalog supplies the class. */
enum { YIBAO_CLASS_NONE = -1, YIBAO_CLASS_A = 0, YIBAO_CLASS_B, YIBAO_CLASS_C };
/** "Absent" for optional int64 fields (ratio, price limit); also level -1. */
#define YIBAO_ABSENT (-1)

/** A calendar date; year 0 means "absent" where a date is optional. */
typedef struct yibao_date_c {
  int32_t year, month, day;
} yibao_date_c;

typedef struct yibao_person_c {
  const char* id;                 /**< required, UTF-8 */
  int32_t scheme;                 /**< YIBAO_SCHEME_* */
  int32_t status;                 /**< YIBAO_PERSON_ACTIVE or _RETIRED */
  int32_t group;                  /**< YIBAO_GROUP_* */
  int32_t coverage;               /**< YIBAO_COVERAGE_* */
  int64_t account_balance_fen;    /**< personal account balance, >= 0 */
  yibao_date_c rejoined;          /**< coverage resumed on (year 0: no lapse) */
} yibao_person_c;

typedef struct yibao_visit_c {
  int32_t type;                   /**< YIBAO_VISIT_* */
  int32_t level;                  /**< 0 community, 1, 2, 3 */
  int32_t location;               /**< YIBAO_LOCATION_* */
  int32_t filing;                 /**< YIBAO_FILING_* (NONE: long_term) */
  int32_t admission;              /**< n-th admission this year, >= 1 */
  yibao_date_c date;              /**< required */
  const char* disease;            /**< NULL or "": none */
  int32_t transfer_from_level;    /**< YIBAO_ABSENT or 0..3, below level */
} yibao_visit_c;

/** Year-to-date totals (what each layer paid and placed on its band scale). */
typedef struct yibao_ytd_c {
  int64_t deductible_paid_fen;
  int64_t hifp_paid_fen, hifmi_paid_fen, hifob_paid_fen, maf_paid_fen;
  int64_t hifp_base_fen, hifmi_base_fen, hifob_base_fen, maf_base_fen;
} yibao_ytd_c;

typedef struct yibao_line_c {
  const char* code;               /**< required */
  const char* name;               /**< NULL: "" */
  int32_t item_class;             /**< YIBAO_CLASS_* (NONE: from the catalog) */
  int64_t selfpay_ratio_ppm;      /**< YIBAO_ABSENT or 0..1000000 */
  int64_t price_limit_micro;      /**< YIBAO_ABSENT or >= 0 */
  int64_t qty_ten_thousandths;    /**< quantity x 10000, >= 0 */
  int64_t price_micro;            /**< unit price in micro-yuan, >= 0 */
  int64_t amount_fen;             /**< must equal qty x price rounded half-up to the fen */
} yibao_line_c;

/** The totals of one named pool of the tariff (the bill JSON's
 *  ytd.pools.<pool>), in yibao_bill_c version 2. Never grows. */
typedef struct yibao_pool_total_c {
  const char* pool;               /**< required: the pool's name in the tariff, distinct */
  yibao_date_c period_from;       /**< first day of the totals' period (year 0: the bill's period) */
  int64_t deductible_paid_fen;
  int64_t paid_fen;
  int64_t base_fen;
} yibao_pool_total_c;

/** The layout version of yibao_bill_c and its yibao_line_c array (see
 *  "Versioned structs" above): the library accepts 1..its own.
 *  Version 2 added the fields after line_count. */
#define YIBAO_BILL_VERSION 2
typedef struct yibao_bill_c {
  unsigned int version;           /**< YIBAO_BILL_VERSION (or older, see above) */
  const char* id;                 /**< required */
  yibao_person_c person;
  yibao_visit_c visit;
  yibao_ytd_c ytd;
  const yibao_line_c* lines;      /**< line_count >= 1 entries */
  size_t line_count;
  /* Version 2: the person's facts (person.* in the bill JSON), the visit's
   * (visit.*) and the named pool totals (ytd.pools). */
  yibao_date_c birth_date;        /**< person.birth_date (year 0: not given) */
  int32_t tier;                   /**< person.tier: 0 not given, 1..3 */
  int32_t family_doctor;          /**< person.family_doctor: non-zero true */
  const char* const* chronic;     /**< person.chronic: chronic_count disease codes (may be NULL if 0) */
  size_t chronic_count;
  int32_t enrolled_years;         /**< person.enrolled_years, 0..150 */
  int32_t claim_free_years;       /**< person.claim_free_years, 0..150 */
  int32_t lapsed_years;           /**< person.lapsed_years, 0..150 */
  int32_t back_paid_years;        /**< person.back_paid_years, 0..lapsed_years */
  int64_t account_earlier_fen;    /**< person.account_earlier */
  int64_t family_account_fen;     /**< person.family_account */
  int32_t contracted;             /**< visit.contracted: non-zero true */
  int32_t unfiled_before;         /**< visit.unfiled_before, >= 0 */
  const yibao_pool_total_c* pools; /**< ytd.pools: pool_count entries (may be NULL if 0) */
  size_t pool_count;
} yibao_bill_c;
/** Fills a bill of layout `version` (1..YIBAO_BILL_VERSION; its size is that
 *  version's) with the defaults of the JSON contract (all zero, filing NONE,
 *  admission 1, level 3, no transfer) and sets its version; set the rest
 *  yourself. Errors: YIBAO_EINVAL (NULL, or a version out of range). */
YIBAO_API yibao_status YIBAO_CALL yibao_bill_init_version(yibao_bill_c* bill, unsigned int version);
/** Fills a version-1 bill (the layout before version 2): the function that
 *  programs built against version 1 call. In C and C++ the macro below makes
 *  yibao_bill_init(b) fill the layout of the header compiled against; a
 *  binding through a foreign-function interface calls
 *  yibao_bill_init_version with the version of its own struct. */
YIBAO_API yibao_status YIBAO_CALL yibao_bill_init(yibao_bill_c* bill);
#define yibao_bill_init(bill) yibao_bill_init_version((bill), YIBAO_BILL_VERSION)
/** Fills a line with "absent" optional fields (class NONE, no ratio, no limit). */
YIBAO_API yibao_status YIBAO_CALL yibao_line_init(yibao_line_c* line);

/* ------------------------------------------------------------ settlement */

typedef struct yibao_settlement yibao_settlement;

/** The layout version of yibao_settle_options: the library accepts 1..its own. */
#define YIBAO_SETTLE_OPTIONS_VERSION 1
typedef struct yibao_settle_options {
  unsigned int version;           /**< YIBAO_SETTLE_OPTIONS_VERSION (or older) */
  int trace;                      /**< non-zero: record every step (in the JSON "trace") */
  int32_t as_filing;              /**< YIBAO_FILING_NONE or settle as if filed this way */
} yibao_settle_options;
#define YIBAO_SETTLE_OPTIONS_INIT {YIBAO_SETTLE_OPTIONS_VERSION, 0, YIBAO_FILING_NONE}

/**
 * Settles a bill given as JSON (the contract of docs/bill-format.md) under
 * tariff `t` with catalog `c` (NULL: an empty catalog) and `opts` (NULL:
 * defaults). Errors: YIBAO_EINVAL (malformed bill, message names the field
 * path, e.g. "lines[3].amount: ..."), YIBAO_ENOTFOUND (item in no catalog
 * and without class), YIBAO_ERANGE (date outside the tariff's validity; for
 * a set, no version in force on the date; a malformed bill is YIBAO_EINVAL
 * whatever its date),
 * YIBAO_EPRECONDITION (no basic-fund rule for the visit), YIBAO_ENOMEM.
 */
YIBAO_API yibao_status YIBAO_CALL yibao_settle_json(const yibao_tariff* t, const yibao_catalog* c,
                                                    const char* bill_json, size_t len,
                                                    const yibao_settle_options* opts, yibao_settlement** out);

/** Same, from C structs; the same checks as the JSON contract apply (field
 *  paths in messages are the JSON ones, e.g. "lines[2].amount"). */
YIBAO_API yibao_status YIBAO_CALL yibao_settle_bill(const yibao_tariff* t, const yibao_catalog* c,
                                                    const yibao_bill_c* bill, const yibao_settle_options* opts,
                                                    yibao_settlement** out);

/**
 * Reads a money field in fen by its national name, any money key of the
 * settlement JSON (medfee_sumamt, ..., hifp_pay, ..., claim_later), and the
 * year-to-date totals after the bill as "ytd.<name>" (ytd.deductible_paid,
 * ..., ytd.maf_base). The names are those of the one field table,
 * yibao::settlement_fields and yibao::ytd_fields in <yibao/fields.hpp>.
 * Errors: YIBAO_EINVAL (NULL), YIBAO_ENOTFOUND (unknown field).
 */
YIBAO_API yibao_status YIBAO_CALL yibao_settlement_get_fen(const yibao_settlement* s, const char* field,
                                                           int64_t* out);
/** Reads a flag: "eligible", "direct" (settled at the hospital), as 0 or 1. */
YIBAO_API yibao_status YIBAO_CALL yibao_settlement_get_bool(const yibao_settlement* s, const char* field,
                                                            int* out);
/** The settlement as JSON (national field names, money as "12.34" strings),
 *  NUL-terminated; *len (if not NULL) gets its length. Free with yibao_free. */
YIBAO_API yibao_status YIBAO_CALL yibao_settlement_json(const yibao_settlement* s, char** out, size_t* len);
YIBAO_API void YIBAO_CALL yibao_settlement_free(yibao_settlement* s);

/* ------------------------------------------------- the vendor-DLL shape */

/**
 * Names a loaded tariff / catalog for yibao_business_handle ("tariff":
 * "<name>"). The registry keeps its own reference: the caller may free its
 * handle afterwards. Re-registering a name replaces it (calls in flight keep
 * the old one). Errors: YIBAO_EINVAL (NULL or empty name).
 */
YIBAO_API yibao_status YIBAO_CALL yibao_register_tariff(const char* name, const yibao_tariff* t);
YIBAO_API yibao_status YIBAO_CALL yibao_register_catalog(const char* name, const yibao_catalog* c);
/** Drops every registered tariff and catalog and the cache of loaded paths. */
YIBAO_API yibao_status YIBAO_CALL yibao_registry_clear(void);

/**
 * JSON in, JSON out, in the shape of the national platform's BUSINESS_HANDLE
 * (docs/c-api.md "business handle"). Request:
 *
 *   {"infno": "2206", "msgid": "...",               (other envelope keys ignored)
 *    "input": {"tariff": "<registered name or path to a .toml>",
 *              "catalog": "<registered name or path to a .csv>",   (optional)
 *              "options": {"trace": false, "as_filing": "unfiled"}, (optional)
 *              "bill": { ...the bill JSON... }}}
 *
 * Response: {"infcode": 0, "err_msg": "", "yibao_status": "YIBAO_OK",
 * "inf_refmsgid": "<msgid>", "output": {"setlinfo": {...settlement...}}};
 * on failure infcode is -1, err_msg the message and output null.
 *
 * The response is written to `out` NUL-terminated; *out_len receives its
 * length without the NUL. If out_cap <= that length (out may then be NULL),
 * nothing is written but out[0] = '\0' (when out_cap > 0), *out_len holds
 * the needed length and the call returns YIBAO_EBUFS: retry with a buffer of
 * *out_len + 1 bytes. Otherwise it returns the status of the settlement.
 * Paths are loaded once and cached until yibao_registry_clear.
 * (Before 0.1.0 it was declared to return int; the values are the same.)
 */
YIBAO_API yibao_status YIBAO_CALL yibao_business_handle(const char* in, size_t in_len, char* out, size_t out_cap,
                                                       size_t* out_len);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* YIBAO_YIBAO_H */
