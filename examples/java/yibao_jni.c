/*
 * yibao_jni.c - a tiny JNI shim over the C API for examples/java/Settle.java.
 * It passes byte arrays straight to yibao_business_handle (the vendor-DLL
 * shape), so the Java side sees exactly the C contract: status code, needed
 * length on YIBAO_EBUFS, thread-local last error.
 *
 * (JDK 17's foreign-function API is an incubator module; with JDK 22+ the
 * same calls can be made from java.lang.foreign without this shim.)
 */
#include <jni.h>

#include <yibao/yibao.h>

JNIEXPORT jint JNICALL Java_Settle_businessHandle(JNIEnv* env, jclass cls, jbyteArray in, jbyteArray out,
                                                  jlongArray out_len) {
  jsize in_len;
  jsize cap = 0;
  jbyte* in_bytes;
  jbyte* out_bytes = NULL;
  size_t len = 0;
  jlong len_j;
  int status;
  (void)cls;
  if (in == NULL || out_len == NULL) return YIBAO_EINVAL;
  in_len = (*env)->GetArrayLength(env, in);
  in_bytes = (*env)->GetByteArrayElements(env, in, NULL);
  if (in_bytes == NULL) return YIBAO_ENOMEM;
  if (out != NULL) {
    cap = (*env)->GetArrayLength(env, out);
    out_bytes = (*env)->GetByteArrayElements(env, out, NULL);
    if (out_bytes == NULL) {
      (*env)->ReleaseByteArrayElements(env, in, in_bytes, JNI_ABORT);
      return YIBAO_ENOMEM;
    }
  }
  status = yibao_business_handle((const char*)in_bytes, (size_t)in_len, (char*)out_bytes, (size_t)cap, &len);
  (*env)->ReleaseByteArrayElements(env, in, in_bytes, JNI_ABORT);
  if (out_bytes != NULL) (*env)->ReleaseByteArrayElements(env, out, out_bytes, 0);
  len_j = (jlong)len;
  (*env)->SetLongArrayRegion(env, out_len, 0, 1, &len_j);
  return status;
}

JNIEXPORT jstring JNICALL Java_Settle_lastError(JNIEnv* env, jclass cls) {
  (void)cls;
  return (*env)->NewStringUTF(env, yibao_last_error());
}

JNIEXPORT jstring JNICALL Java_Settle_version(JNIEnv* env, jclass cls) {
  (void)cls;
  return (*env)->NewStringUTF(env, yibao_version());
}
