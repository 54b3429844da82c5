/*
 * settle.c - settle one bill through the C API of yibao (plain C99).
 *
 *   settle TARIFF.toml CATALOG.csv BILL.json
 *
 * Loads a tariff and a catalog once (a billing system keeps them for the day
 * and settles from any number of threads), settles the bill from JSON, reads
 * a few fields, settles a two-line bill built from C structs, and finally
 * makes the same pre-settlement through the vendor-DLL shape
 * yibao_business_handle, growing its buffer on YIBAO_EBUFS. Exits 0 only if
 * the business handle pays what yibao_settle_json paid.
 *
 * Build and run (docs/c-api.md, "Building the examples"):
 *
 *   cmake --preset default && cmake --build --preset default --target yibao_shared
 *   cc -std=c99 -Wall -Wextra -Iinclude examples/c/settle.c -Lbuild/default -lyibao \
 *      -Wl,-rpath,$PWD/build/default -o /tmp/settle_c
 *   /tmp/settle_c tariffs/liaoning/dalian-2025.toml tariffs/catalog/sample-catalog.csv \
 *      examples/bills/inpatient-cross-province.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yibao/yibao.h>

static char* read_all(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* text = NULL;
  long n = 0;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    text = (char*)malloc((size_t)n + 1);
    if (text != NULL && fread(text, 1, (size_t)n, f) != (size_t)n) {
      free(text);
      text = NULL;
    }
  }
  fclose(f);
  if (text != NULL) {
    text[n] = '\0';
    *len = (size_t)n;
  }
  return text;
}

static int fail(const char* what, int status) {
  fprintf(stderr, "settle: %s: %s: %s\n", what, yibao_status_name(status), yibao_last_error());
  return 1;
}

static void print_fen(const char* label, int64_t fen) {
  const char* sign = fen < 0 ? "-" : "";
  if (fen < 0) fen = -fen;
  printf("%-16s %s%lld.%02lld\n", label, sign, (long long)(fen / 100), (long long)(fen % 100));
}

int main(int argc, char** argv) {
  yibao_tariff* tariff = NULL;
  yibao_catalog* catalog = NULL;
  yibao_settlement* s = NULL;
  yibao_status st;
  char* bill = NULL;
  size_t bill_len = 0;
  static const char* const fields[] = {"medfee_sumamt", "hifp_pay", "fund_pay_sumamt", "acct_pay", "psn_cash_pay"};
  int64_t json_hifp_pay = 0;
  size_t i;

  if (argc != 4) {
    fprintf(stderr, "usage: settle TARIFF.toml CATALOG.csv BILL.json\n");
    return 64;
  }
  printf("yibao %s (header %s)\n", yibao_version(), YIBAO_VERSION_STRING);

  if ((st = yibao_tariff_load_file(argv[1], &tariff)) != YIBAO_OK) return fail(argv[1], st);
  if ((st = yibao_catalog_load_file(argv[2], &catalog)) != YIBAO_OK) return fail(argv[2], st);
  bill = read_all(argv[3], &bill_len);
  if (bill == NULL) {
    fprintf(stderr, "settle: cannot read %s\n", argv[3]);
    return 66;
  }

  /* 1. A bill as JSON. */
  st = yibao_settle_json(tariff, catalog, bill, bill_len, NULL, &s);
  if (st != YIBAO_OK) return fail("settle_json", st);
  for (i = 0; i < sizeof fields / sizeof fields[0]; ++i) {
    int64_t fen = 0;
    if ((st = yibao_settlement_get_fen(s, fields[i], &fen)) != YIBAO_OK) return fail(fields[i], st);
    print_fen(fields[i], fen);
    if (strcmp(fields[i], "hifp_pay") == 0) json_hifp_pay = fen;
  }
  yibao_settlement_free(s);
  s = NULL;

  /* 2. A bill as C structs: money in fen, prices in micro-yuan, qty x 10000.
   *    Both lines carry their class, so the bill settles under any catalog.
   *    A tariff may cover only some people and visits (YIBAO_EPRECONDITION:
   *    no rule applies), so the bill is tried as a resident's inpatient stay,
   *    an employee's, then as outpatient visits, until the tariff has a rule. */
  {
    static const int32_t as[4][2] = {{YIBAO_SCHEME_RESIDENT, YIBAO_VISIT_INPATIENT},
                                     {YIBAO_SCHEME_EMPLOYEE, YIBAO_VISIT_INPATIENT},
                                     {YIBAO_SCHEME_RESIDENT, YIBAO_VISIT_OUTPATIENT},
                                     {YIBAO_SCHEME_EMPLOYEE, YIBAO_VISIT_OUTPATIENT}};
    yibao_bill_c b;
    yibao_line_c lines[2];
    int64_t fen = 0;
    yibao_bill_init(&b);
    b.id = "C1";
    b.person.id = "P1";
    b.visit.level = 2;
    b.visit.location = YIBAO_LOCATION_LOCAL;
    b.visit.date.year = 2025;
    b.visit.date.month = 6;
    b.visit.date.day = 1;
    yibao_line_init(&lines[0]);
    lines[0].code = "BED";
    lines[0].item_class = YIBAO_CLASS_A;
    lines[0].qty_ten_thousandths = 80000; /* 8 days */
    lines[0].price_micro = 120000000;     /* 120.00 yuan */
    lines[0].amount_fen = 96000;          /* 960.00 */
    yibao_line_init(&lines[1]);
    lines[1].code = "SURGERY";
    lines[1].item_class = YIBAO_CLASS_A;
    lines[1].qty_ten_thousandths = 10000;
    lines[1].price_micro = 5000000000LL;  /* 5000.00 */
    lines[1].amount_fen = 500000;
    b.lines = lines;
    b.line_count = 2;
    st = YIBAO_EPRECONDITION;
    for (i = 0; i < 4 && st == YIBAO_EPRECONDITION; ++i) {
      b.person.scheme = as[i][0];
      b.visit.type = as[i][1];
      st = yibao_settle_bill(tariff, catalog, &b, NULL, &s);
    }
    if (st != YIBAO_OK) return fail("settle_bill", st);
    if ((st = yibao_settlement_get_fen(s, "hifp_pay", &fen)) != YIBAO_OK) return fail("hifp_pay", st);
    print_fen("struct hifp_pay", fen);
    yibao_settlement_free(s);
  }

  /* 3. The vendor-DLL shape: JSON envelope in, JSON envelope out. */
  {
    static const char head[] = "{\"infno\":\"2206\",\"msgid\":\"C0001\",\"input\":{\"tariff\":\"day\",\"catalog\":\"day\",\"bill\":";
    size_t in_len = strlen(head) + bill_len + 2;
    char* in = (char*)malloc(in_len + 1);
    char small[64];
    char* out = NULL;
    size_t out_len = 0;
    int rc;
    if (in == NULL) return 70;
    sprintf(in, "%s%s}}", head, bill);
    if ((st = yibao_register_tariff("day", tariff)) != YIBAO_OK) return fail("register", st);
    if ((st = yibao_register_catalog("day", catalog)) != YIBAO_OK) return fail("register", st);
    rc = yibao_business_handle(in, strlen(in), small, sizeof small, &out_len);
    if (rc == YIBAO_EBUFS) {
      out = (char*)malloc(out_len + 1);
      if (out == NULL) return 70;
      rc = yibao_business_handle(in, strlen(in), out, out_len + 1, &out_len);
    }
    if (rc != YIBAO_OK) return fail("business_handle", rc);
    {
      /* The same bill through the envelope: the same hifp_pay as in 1. */
      char want[48];
      const char* sign = json_hifp_pay < 0 ? "-" : "";
      int64_t v = json_hifp_pay < 0 ? -json_hifp_pay : json_hifp_pay;
      sprintf(want, "\"hifp_pay\":\"%s%lld.%02lld\"", sign, (long long)(v / 100), (long long)(v % 100));
      printf("business_handle  %.*s...\n", 60, out);
      printf("                 (%lu bytes; %s)\n", (unsigned long)out_len,
             strstr(out, want) != NULL ? "hifp_pay as settle_json" : "hifp_pay DIFFERS");
      if (strstr(out, want) == NULL) {
        fprintf(stderr, "settle: business_handle: expected %s in %s\n", want, out);
        return 1;
      }
    }
    free(out);
    free(in);
    yibao_registry_clear();
  }

  free(bill);
  yibao_catalog_free(catalog);
  yibao_tariff_free(tariff);
  return 0;
}
