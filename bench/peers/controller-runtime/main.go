// controller-runtime peer for the end-to-end benchmark: the BenchParent workload (K ConfigMaps per parent,
// status {observedGeneration, children}) written the way a controller-runtime user would: For/Owns, server-side
// apply for children and status. Treated like the tsoperator peer: a parent's children are applied concurrently,
// and MaxConcurrentReconciles (the documented concurrency setting; default 1) is tsoperator's default worker
// count, 4. BENCH_MODE=fast also turns client-side rate limits and the workqueue's retry backoff off.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

var parentGVK = schema.GroupVersionKind{Group: "bench.tsoperator.dev", Version: "v1", Kind: "BenchParent"}

const fieldOwner = client.FieldOwner("controller-runtime-peer")

type reconciler struct{ client.Client }

func newParent() *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(parentGVK)
	return u
}

func (r *reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	parent := newParent()
	if err := r.Get(ctx, req.NamespacedName, parent); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	k, _, _ := unstructured.NestedInt64(parent.Object, "spec", "k")
	payload, _, _ := unstructured.NestedString(parent.Object, "spec", "payload")
	// Children are independent: apply them concurrently, as the tsoperator peer does.
	var wg sync.WaitGroup
	errs := make(chan error, k)
	for i := int64(0); i < k; i++ {
		cm := &corev1.ConfigMap{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{
				Name:      fmt.Sprintf("%s-%d", parent.GetName(), i),
				Namespace: parent.GetNamespace(),
				Labels:    map[string]string{"bench.tsoperator.dev/parent": parent.GetName()},
			},
			Data: map[string]string{"index": strconv.FormatInt(i, 10), "k": strconv.FormatInt(k, 10), "payload": payload},
		}
		if err := controllerutil.SetControllerReference(parent, cm, r.Scheme()); err != nil {
			return ctrl.Result{}, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			//nolint:staticcheck // client.Apply patch type: the documented SSA path for typed objects
			if err := r.Patch(ctx, cm, client.Apply, fieldOwner, client.ForceOwnership); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return ctrl.Result{}, err
	}
	status := newParent()
	status.SetName(parent.GetName())
	status.SetNamespace(parent.GetNamespace())
	_ = unstructured.SetNestedField(status.Object, map[string]interface{}{
		"observedGeneration": parent.GetGeneration(),
		"children":           k,
	}, "status")
	//nolint:staticcheck
	if err := r.Status().Patch(ctx, status, client.Apply, fieldOwner, client.ForceOwnership); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, nil
}

func main() {
	fmt.Println("STARTED")
	ns := os.Getenv("BENCH_NAMESPACE")
	fast := os.Getenv("BENCH_MODE") == "fast"
	cfg := ctrl.GetConfigOrDie()
	if fast {
		cfg.QPS = -1 // client-go: a non-positive QPS means no client-side rate limiter
		cfg.Burst = 0
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Cache: cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}},
		// Reads of the (unstructured) parent come from the cache, as they would with a kubebuilder-typed CRD.
		Client:                 client.Options{Cache: &client.CacheOptions{Unstructured: true}},
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		LeaderElection:         false,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	opts := controller.Options{MaxConcurrentReconciles: 4}
	if fast {
		// No per-item exponential backoff and no overall token bucket: retry at once.
		opts.RateLimiter = workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](0, 0)
	}
	err = ctrl.NewControllerManagedBy(mgr).
		For(newParent()).
		Owns(&corev1.ConfigMap{}).
		WithOptions(opts).
		Complete(&reconciler{mgr.GetClient()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := ctrl.SetupSignalHandler()
	go func() {
		waitCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		// GetInformer blocks until that informer has synced (it waits for the manager to start the cache).
		if _, err := mgr.GetCache().GetInformer(waitCtx, newParent()); err != nil {
			return
		}
		if _, err := mgr.GetCache().GetInformer(waitCtx, &corev1.ConfigMap{}); err != nil {
			return
		}
		fmt.Println("READY")
	}()
	if err := mgr.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
